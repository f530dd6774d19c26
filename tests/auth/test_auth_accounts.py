"""invenio-accounts' REST views as CAP serves them: logout is a POST with
CSRF, sessions list answers token callers too."""

import pytest

PASSWORD = "cap-accounts-test-password"


@pytest.fixture(scope="module")
def web_user(app, database):
    """A user with a password (a web session) and a personal token."""
    from flask_security.utils import hash_password
    from invenio_accounts.proxies import current_datastore
    from invenio_db import db
    from invenio_oauth2server.models import Token

    user = current_datastore.create_user(
        email="web-session@cern.ch", password=hash_password(PASSWORD), active=True)
    user.confirmed_at = db.func.now()
    db.session.commit()
    token = Token.create_personal("web", user.id)
    db.session.commit()
    return user, token.access_token


def log_in(client, user):
    answer = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert answer.status_code == 200, answer.data
    return client.get_cookie("csrftoken", domain="127.0.0.1")


def logged_in(client):
    return client.get("/me").status_code == 200


def test_logout_is_a_post_with_csrf(client, web_user):
    user, _ = web_user
    log_in(client, user)
    assert logged_in(client)
    # A link or image on another site (GET) must not log the user out.
    answer = client.get("/logout", headers={"Referer": "https://evil.example/"})
    assert answer.status_code == 405
    assert answer.json["status"] == 405
    assert logged_in(client)
    # A cross-site form post has no CSRF token.
    answer = client.post("/logout")
    assert answer.status_code == 400 and logged_in(client)
    csrf = client.get_cookie("csrftoken", domain="127.0.0.1")
    answer = client.post("/logout", headers={"X-CSRFToken": csrf.value})
    assert answer.status_code == 200, answer.data
    assert not logged_in(client)


def test_sessions_with_a_token_while_a_web_session_exists(app, client, web_user):
    user, token = web_user
    log_in(client, user)
    # The token caller (another client: no session cookie) sees the web session.
    answer = app.test_client().get("/sessions", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.data
    assert answer.json["total"] >= 1
    assert all(session["current"] is False for session in answer.json["results"])
    answer = client.get("/sessions")
    assert answer.status_code == 200
    assert [s["current"] for s in answer.json["results"]].count(True) == 1


def test_revoking_a_session_one_does_not_have_is_a_404(app, web_user):
    _, token = web_user
    answer = app.test_client().delete(
        "/sessions/not-a-session", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 404
    assert answer.json == {"status": 404, "message": "You have no session with this id."}
