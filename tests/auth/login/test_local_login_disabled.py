"""With ``ACCOUNTS_LOCAL_LOGIN_ENABLED = False`` (production) the form is refused."""

import pytest
from flask import url_for
from flask_security.utils import hash_password
from invenio_accounts.proxies import current_datastore
from invenio_db import db

PASSWORD = "local-secret-123"


@pytest.fixture(scope="module")
def app_config(app_config):
    """Production setting: SSO only."""
    app_config["ACCOUNTS_LOCAL_LOGIN_ENABLED"] = False
    return app_config


def test_local_login_refused(app, database):
    """Posting credentials answers 404 and logs nobody in; SSO stays available."""
    user = current_datastore.create_user(
        email="local-off@inveniosoftware.org", password=hash_password(PASSWORD), active=True
    )
    user.confirmed_at = db.func.now()
    db.session.commit()
    with app.test_client() as client:
        answer = client.post(
            url_for("security.login"),
            data={"email": "local-off@inveniosoftware.org", "password": PASSWORD},
        )
        assert answer.status_code == 404
        assert client.get("/account/settings/applications/").status_code != 200
        # The login page offers the SSO only, no password field.
        page = client.get(url_for("security.login")).get_data(as_text=True)
        assert "/oauth/login/cern_openid/" in page
        assert 'name="password"' not in page
