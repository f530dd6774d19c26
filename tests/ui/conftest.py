"""UI fixtures: the Invenio UI app (``create_ui``), users with passwords."""

import pytest
from invenio_app.factory import create_ui

from cap.config import APP_DEFAULT_SECURE_HEADERS

PASSWORD = "cap-ui-test-password"


@pytest.fixture(scope="module")
def app_config(app_config):
    """The production theme and security headers, not pytest-invenio's."""
    app_config.update(
        # pytest-invenio picks the semantic-ui template variants; CAP does not.
        APP_THEME=None,
        # CAP's Content-Security-Policy, so pages that would need inline
        # scripts or CDN assets fail here as they would in production.
        APP_DEFAULT_SECURE_HEADERS=APP_DEFAULT_SECURE_HEADERS,
    )
    return app_config


@pytest.fixture(scope="module")
def create_app(instance_path):
    """The UI application (pages, login, settings)."""
    return create_ui


@pytest.fixture(scope="module")
def ui_user(app, database):
    """A confirmed CMS member who logs in with email and password."""
    from flask_security.utils import hash_password
    from invenio_accounts.proxies import current_datastore
    from invenio_db import db

    from cap.modules.instance.fixtures import ensure_role

    user = current_datastore.create_user(
        email="ui-cms@inveniosoftware.org",
        password=hash_password(PASSWORD),
        active=True,
    )
    user.confirmed_at = db.func.now()
    current_datastore.add_role_to_user(user, ensure_role("cms-members@cern.ch"))
    db.session.commit()
    return user


@pytest.fixture(scope="module")
def ui_password():
    """The password of ``ui_user``."""
    return PASSWORD


@pytest.fixture()
def logged_in(client, ui_user):
    """A test client logged in through the local login form."""
    response = client.post(
        "/login/", data={"email": ui_user.email, "password": PASSWORD}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    yield client
    client.get("/logout/")
