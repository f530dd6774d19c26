"""Our token getter (cap.modules.auth.oauth) in place of upstream's.

Same answers as invenio-oauth2server's ``get_token`` for every kind of
token; nothing survives a request: revocation and deactivation are seen by
the next request; one SQL statement per token check.
"""

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from flask import g, request
from flask_login import current_user
from invenio_accounts.proxies import current_datastore
from invenio_db import db
from invenio_oauth2server import provider as upstream
from invenio_oauth2server.ext import verify_oauth_token_and_set_current_user
from invenio_oauth2server.models import Client, Token
from sqlalchemy import event, inspect
from werkzeug.security import gen_salt

from cap.modules.auth import oauth


def _me(client, token):
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    return client.get("/me", headers=headers)


def _oauth_token(user_id, confidential=True, expires_in=3600):
    """An OAuth (non-personal) token with a refresh token, of a client app."""
    app_client = Client(
        name=f"app-{gen_salt(6)}",
        user_id=user_id,
        is_internal=False,
        is_confidential=confidential,
        _redirect_uris="https://example.org/cb",
        _default_scopes="",
    )
    app_client.gen_salt()
    db.session.add(app_client)
    token = Token(
        client_id=app_client.client_id,
        user_id=user_id,
        access_token=gen_salt(40),
        refresh_token=gen_salt(40),
        expires=datetime.now(UTC) + timedelta(seconds=expires_in),
        _scopes="",
        is_personal=False,
    )
    db.session.add(token)
    db.session.commit()
    return token.access_token, token.refresh_token


@contextmanager
def _statements():
    """The SQL statements sent meanwhile."""
    sent = []

    def record(conn, cursor, statement, *args):
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def test_token_check_of_a_request_is_one_statement(app, create_user):
    """The provider verifies a request's token with our getter: one statement
    loads the token, its user with the roles and its client (upstream's
    getter takes four)."""
    user = create_user("oauth-provider@cern.ch", roles=["cms-members@cern.ch"])
    headers = {"Authorization": f"Bearer {user.token}"}
    with app.test_request_context("/me", headers=headers):
        verify_oauth_token_and_set_current_user()  # the provider's validator is built
    db.session.remove()
    with app.test_request_context("/me", headers=headers), _statements() as sent:
        verify_oauth_token_and_set_current_user()
        assert request.oauth.user.id == user.id
        assert [role.name for role in request.oauth.user.roles] == ["cms-members@cern.ch"]
        assert request.oauth.client.client_id == request.oauth.access_token.client_id
    assert len(sent) == 1, sent


def test_same_answers_as_upstream(app, create_user):
    """Personal, OAuth access and refresh tokens, non-confidential clients,
    personal tokens as refresh tokens, unknown values, inactive users."""
    user = create_user("oauth-same@cern.ch", roles=["cms-members@cern.ch", "oauth-x@cern.ch"])
    access, refresh = _oauth_token(user.id)
    public_access, public_refresh = _oauth_token(user.id, confidential=False)
    cases = [
        {"access_token": user.token},
        {"access_token": access},
        {"access_token": public_access},
        {"refresh_token": refresh},
        {"refresh_token": public_refresh},  # client not confidential: refused
        {"refresh_token": user.token},  # a personal token is no refresh token
        {"access_token": refresh},  # a refresh token is no access token
        {"access_token": "nope"},
        {"refresh_token": "nope"},
        {},
    ]
    answers = [(oauth.get_token(**case), upstream.get_token(**case)) for case in cases]
    assert [ours is not None for ours, _ in answers] == [
        True, True, True, True, False, False, False, False, False, False,
    ]
    for ours, theirs in answers:
        assert (ours and ours.id) == (theirs and theirs.id)

    stored = db.session.get(type(user.user), user.id)
    stored.active = False
    db.session.commit()
    try:
        for case in cases:
            assert oauth.get_token(**case) is None
            assert upstream.get_token(**case) is None
    finally:
        stored.active = True
        db.session.commit()


def test_one_query_loads_token_user_roles_client(app, create_user, experiment_roles):
    """The token check reads everything it uses in one statement."""
    roles = ["atlas-active-members-all@cern.ch", "cms-members@cern.ch"]
    user = create_user("oauth-queries@cern.ch", roles=roles)
    db.session.expunge_all()
    statements = []

    def count(*args, **kwargs):
        statements.append(args)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        token = oauth.get_token(access_token=user.token)
        assert token.client.client_id == token.client_id
        assert token.user.email == user.email
        assert sorted(role.name for role in token.user.roles) == roles
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 1


def test_token_identity_has_roles(app, client, create_user, experiment_roles, schemas):
    """A token's identity carries the user's roles (CMS members may start CMS analyses)."""
    member = create_user("oauth-member@cern.ch", roles=["cms-members@cern.ch"])
    outsider = create_user("oauth-outsider@cern.ch")
    answer = _me(client, member.token)
    assert answer.status_code == 200
    assert answer.json["roles"] == ["cms-members@cern.ch"]
    names = {group["deposit_group"] for group in answer.json["deposit_groups"]}
    assert "cms-analysis" in names
    answer = _me(client, outsider.token)
    assert answer.status_code == 200
    assert "cms-analysis" not in {g["deposit_group"] for g in answer.json["deposit_groups"]}


def test_deactivated_user_refused_on_next_request(app, client, create_user):
    user = create_user("oauth-deactivated@cern.ch")
    access, _ = _oauth_token(user.id)
    assert _me(client, user.token).status_code == 200
    assert _me(client, access).status_code == 200
    current_datastore.deactivate_user(db.session.get(type(user.user), user.id))
    db.session.commit()
    assert _me(client, user.token).status_code == 401
    assert _me(client, access).status_code == 401
    current_datastore.activate_user(db.session.get(type(user.user), user.id))
    db.session.commit()
    assert _me(client, user.token).status_code == 200


def test_deleted_token_refused_on_next_request(app, client, create_user):
    """A token row removed by any means (here: straight SQL) stops working at once."""
    user = create_user("oauth-deleted@cern.ch")
    assert _me(client, user.token).status_code == 200
    db.session.execute(Token.__table__.delete().where(Token.access_token == user.token))
    db.session.commit()
    assert _me(client, user.token).status_code == 401


def test_refresh_token_is_not_an_access_token(app, client, create_user):
    user = create_user("oauth-refresh@cern.ch")
    access, refresh = _oauth_token(user.id)
    assert _me(client, access).status_code == 200
    assert _me(client, refresh).status_code == 401


def test_expired_oauth_token_refused(app, client, create_user):
    user = create_user("oauth-expired@cern.ch")
    access, _ = _oauth_token(user.id, expires_in=-60)
    assert _me(client, access).status_code == 401


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Bearer  x y"])
def test_malformed_bearer_is_401(app, client, header):
    answer = client.get("/me", headers={"Authorization": header, "Accept": "application/json"})
    assert answer.status_code == 401


@contextmanager
def _upstream_provider():
    """The global provider with upstream's getter, as shipped. (The provider
    hands its getter to the validator of its ``server``, a cached property:
    deleting it has the next request build both again.)"""
    provider = upstream.oauth2
    provider.tokengetter(upstream.get_token)
    del provider.server
    try:
        yield
    finally:
        oauth.install()
        del provider.server


def _outcome(app, headers=None, query=""):
    """What token verification leaves on the request, as comparable values."""
    with app.test_request_context(f"/me{query}", headers=headers or {}):
        verify_oauth_token_and_set_current_user()
        req = getattr(request, "oauth", None)
        if req is None:
            return None
        return {
            "token": req.access_token.id,
            "user": req.user.id,
            "scopes": req.scopes,
            "client": req.client.client_id,
            "client_is_token_client": req.client.client_id == req.access_token.client_id,
            "skip_csrf": request.skip_csrf_check,
            "via_oauth2": current_user.login_via_oauth2,
            "login_user": current_user.get_id(),
            "identity": g.identity.id,
            "provides": sorted(str(need) for need in g.identity.provides),
        }


def test_token_outcomes_same_as_upstream(app, client, create_user):
    """Every kind of credential leaves the same request state (user, token,
    client, scopes, identity with roles) and gets the same HTTP answer with
    our getter as with upstream's."""
    user = create_user("oauth-outcomes@cern.ch", roles=["cms-members@cern.ch"])
    access, refresh = _oauth_token(user.id)
    expired, _ = _oauth_token(user.id, expires_in=-60)
    revoked = create_user("oauth-outcomes-revoked@cern.ch")
    db.session.execute(Token.__table__.delete().where(Token.access_token == revoked.token))
    inactive = create_user("oauth-outcomes-inactive@cern.ch")
    current_datastore.deactivate_user(db.session.get(type(inactive.user), inactive.id))
    db.session.commit()
    cases = [
        ({"Authorization": f"Bearer {user.token}"}, ""),
        ({"Authorization": f"OAuth2 {user.token}"}, ""),
        ({}, f"?access_token={user.token}"),
        ({"Authorization": f"Bearer {access}"}, ""),
        ({"Authorization": f"Bearer {expired}"}, ""),
        ({"Authorization": f"Bearer {revoked.token}"}, ""),
        ({"Authorization": f"Bearer {inactive.token}"}, ""),
        ({"Authorization": f"Bearer {refresh}"}, ""),
        ({"Authorization": "Bearer nope"}, ""),
        ({"Authorization": "Bearer"}, ""),
        ({"Authorization": "Bearer  x y"}, ""),
        ({}, ""),
    ]
    _me(client, user.token)  # the provider builds its validator on first use

    def outcomes():
        answers = []
        for headers, query in cases:
            state = _outcome(app, {**headers, "Accept": "application/json"}, query)
            # Through the WSGI stack too (the OAuth2 scheme is rewritten there).
            answer = client.get(f"/me{query}", headers={**headers, "Accept": "application/json"})
            answers.append((state, answer.status_code, answer.json))
            db.session.remove()
        return answers

    ours = outcomes()
    with _upstream_provider():
        theirs = outcomes()
    assert ours == theirs
    assert [status for _, status, _ in ours] == [200, 200, 200, 200] + [401] * 8
    # (The scheme rewrite is WSGI middleware: the bare request context sees
    # ``OAuth2`` and no token, as upstream would.)
    assert [state is not None for state, _, _ in ours] == [True, False, True, True] + [False] * 8
    state = ours[0][0]
    assert state["user"] == int(state["login_user"]) == state["identity"] == user.id
    assert state["client_is_token_client"] and state["skip_csrf"] and state["via_oauth2"]
    assert "Need(method='role', value='cms-members@cern.ch')" in state["provides"]
    assert ours[0][2]["roles"] == ["cms-members@cern.ch"]


def test_objects_already_in_the_session_are_used(app, create_user):
    """As a query would: the session's own user is given, not a copy."""
    user = create_user("oauth-held@cern.ch", roles=["cms-members@cern.ch"])
    held = db.session.get(type(user.user), user.id)
    token = oauth.get_token(access_token=user.token)
    assert token.user is held
    assert token in db.session and not db.session.dirty


def test_refresh_token_in_one_query(app, create_user):
    user = create_user("oauth-refresh-one@cern.ch", roles=["cms-members@cern.ch"])
    _, refresh = _oauth_token(user.id)
    db.session.expunge_all()
    statements = []

    def count(*args, **kwargs):
        statements.append(args)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        token = oauth.get_token(refresh_token=refresh)
        assert token.client.is_confidential
        assert [role.name for role in token.user.roles] == ["cms-members@cern.ch"]
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 1


def test_login_info_not_read_but_loads_on_access(app, create_user):
    """The getter leaves out the user's login_info (nothing in a token request
    reads it); it still loads, the same as upstream's, when something does."""
    user = create_user("oauth-login-info@cern.ch")
    db.session.expunge_all()
    token = oauth.get_token(access_token=user.token)
    assert "login_info" in inspect(token.user).unloaded
    ours = token.user.login_info
    db.session.expunge_all()
    theirs = upstream.get_token(access_token=user.token).user.login_info
    assert (ours and ours.user_id) == (theirs and theirs.user_id)
