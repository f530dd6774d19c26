"""Login tests run on the UI app, against a fake Keycloak on 127.0.0.1."""

import pytest
from fakes.oidc_server import CLIENT_ID, CLIENT_SECRET, REALM, FakeOIDC
from invenio_app.factory import create_ui


@pytest.fixture(scope="module")
def oidc():
    """The fake provider, serving for the module."""
    provider = FakeOIDC()
    provider.base_url = provider.start()
    yield provider
    provider.stop()


@pytest.fixture(scope="module")
def app_config(app_config, oidc):
    """SSO pointed at the fake provider."""
    app_config.update(
        CAP_SSO_BASE_URL=oidc.base_url,
        CAP_SSO_REALM=REALM,
        CAP_SSO_CLIENT_ID=CLIENT_ID,
        CAP_SSO_CLIENT_SECRET=CLIENT_SECRET,
        ACCOUNTS_LOCAL_LOGIN_ENABLED=True,
    )
    return app_config


@pytest.fixture(scope="module")
def create_app(instance_path):
    """The UI application: login, logout and account pages live there."""
    return create_ui
