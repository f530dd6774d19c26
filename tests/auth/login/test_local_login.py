"""Local (email/password) login: on for demos, refused when switched off."""

import pytest
from flask import url_for
from flask_security.utils import hash_password
from invenio_accounts.proxies import current_datastore
from invenio_db import db

PASSWORD = "local-secret-123"


@pytest.fixture(scope="module")
def local_user(app, database):
    """A confirmed user with a password."""
    user = current_datastore.create_user(
        email="local@inveniosoftware.org", password=hash_password(PASSWORD), active=True
    )
    user.confirmed_at = db.func.now()
    db.session.commit()
    return user


def login(client, password=PASSWORD):
    """Post the login form."""
    return client.post(
        url_for("security.login"),
        data={"email": "local@inveniosoftware.org", "password": password},
    )


def logged_in(client):
    """Whether the session is logged in."""
    return client.get("/account/settings/applications/").status_code == 200


def test_local_login_and_logout(app, local_user):
    """Right password logs in, logout logs out; a wrong one does not."""
    with app.test_client() as client:
        assert login(client, "wrong").status_code == 200  # the form again, with an error
        assert not logged_in(client)
        assert login(client).status_code == 302
        assert logged_in(client)
        client.post(url_for("cap_ui.logout"))
        assert not logged_in(client)
