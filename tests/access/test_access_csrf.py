"""CSRF: session-authenticated API writes need the token; token writes do not.

``REST_CSRF_ENABLED`` is on in cap/config.py (invenio-rest's middleware):
a browser session must send the ``csrftoken`` cookie back as
``X-CSRFToken``; personal access tokens (Bearer, OAuth2) skip the check.
"""

import json

import pytest
from invenio_accounts.testutils import login_user_via_session

BODY = json.dumps({"$ana_type": "generic"})
JSON = {"Content-Type": "application/json", "Accept": "application/json"}


def csrf_cookie(client):
    """The CSRF cookie the API handed out (the test app's host is 127.0.0.1)."""
    return client.get_cookie("csrftoken", domain="127.0.0.1")


@pytest.fixture
def session_client(env, app):
    """A test client logged in as the owner through the session cookie."""
    with app.test_client() as client:
        login_user_via_session(client, user=env.users.owner.user)
        yield client


def test_csrf_is_on(app):
    assert app.config["REST_CSRF_ENABLED"] is True


def test_session_write_needs_the_header(session_client, env):
    client = session_client
    # Reads need no token; the session identifies the owner.
    me = client.get("/me", headers=JSON)
    assert me.status_code == 200 and me.json["email"] == env.users.owner.email
    refused = client.post("/deposits/", data=BODY, headers=JSON)
    assert refused.status_code == 400
    assert "CSRF" in refused.json["message"]
    # The refusal hands out the cookie; a wrong header is still refused.
    token = csrf_cookie(client).value
    assert token
    wrong = client.post("/deposits/", data=BODY, headers={**JSON, "X-CSRFToken": "x" + token})
    assert wrong.status_code == 400
    created = client.post("/deposits/", data=BODY, headers={**JSON, "X-CSRFToken": token})
    assert created.status_code == 201, created.json
    assert created.json["created_by"]["email"] == env.users.owner.email
    pid = created.json["id"]
    assert client.delete(f"/deposits/{pid}", headers=JSON).status_code == 400
    assert client.delete(f"/deposits/{pid}", headers={**JSON, "X-CSRFToken": token}
                         ).status_code == 204


def test_anonymous_writes_answer_401(app, env):
    """No session, nothing to forge: a stray cookie does not turn 401 into 400."""
    with app.test_client() as client:
        client.post("/deposits/", data=BODY, headers=JSON)  # sets the csrftoken cookie
        assert csrf_cookie(client) is not None
        answer = client.post("/deposits/", data=BODY, headers=JSON)
        assert answer.status_code == 401


@pytest.mark.parametrize("scheme", ["Bearer", "OAuth2"])
def test_token_writes_are_not_affected(session_client, env, scheme):
    """Even with session and CSRF cookies in the jar, a token write needs no header."""
    client = session_client
    client.post("/deposits/", data=BODY, headers=JSON)  # sets the csrftoken cookie
    assert csrf_cookie(client) is not None
    user = env.users.colleague
    headers = {**JSON, "Authorization": f"{scheme} {user.token}"}
    created = client.post("/deposits/", data=BODY, headers=headers)
    assert created.status_code == 201, created.json
    assert created.json["created_by"]["email"] == user.email
    # And with no cookie at all, as cap-client sends it.
    with client.application.test_client() as bare:
        assert bare.post("/deposits/", data=BODY, headers=headers).status_code == 201
