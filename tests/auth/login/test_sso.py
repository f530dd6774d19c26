"""CERN SSO login end to end against the fake provider, with role re-sync."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from fakes.oidc_server import CLIENT_ID
from flask import url_for
from invenio_accounts.models import Role, User
from invenio_accounts.proxies import current_datastore
from invenio_db import db
from invenio_oauthclient.models import RemoteAccount, UserIdentity

from cap.modules.auth.models import SSORoleMembership

ALICE = {
    "sub": "alice-sub",
    "cern_upn": "alice",
    "preferred_username": "alice",
    "email": "Alice.Physicist@cern.ch",
    "name": "Alice Physicist",
    "groups": ["cms-members", "cms-higgs-conveners", "it-dep"],
    "cern_roles": ["cern_user"],
}


def sso_login(client, oidc, user):
    """Follow the whole dance; returns the answer of the callback."""
    oidc.user = user
    start = client.get("/oauth/login/cern_openid/")
    assert start.status_code == 302
    authorize = start.headers["Location"]
    assert authorize.startswith(f"{oidc.base_url}/realms/cern/protocol/openid-connect/auth")
    query = parse_qs(urlsplit(authorize).query)
    assert query["client_id"] == [CLIENT_ID] and query["response_type"] == ["code"]

    provider = requests.get(authorize, allow_redirects=False, timeout=5)
    assert provider.status_code == 302
    callback = urlsplit(provider.headers["Location"])
    assert callback.path == "/oauth/authorized/cern_openid/"
    assert set(parse_qs(callback.query)) == {"code", "state"}
    return client.get(f"{callback.path}?{callback.query}")


def logged_in(client):
    """Whether the session is logged in (the token settings page needs login)."""
    response = client.get("/account/settings/applications/")
    return response.status_code == 200


def role_names(email):
    """Role names of the user, fresh from the database."""
    db.session.expire_all()
    user = User.query.filter_by(email=email).one()
    return {role.name for role in user.roles}


@pytest.fixture()
def client(app):
    """A fresh browser (cookie jar) per test."""
    with app.test_client() as test_client:
        yield test_client


def test_first_login_creates_user_and_roles(app, client, oidc, experiment_roles):
    """New user, linked to the SSO account, groups become ``<group>@cern.ch`` roles."""
    assert not logged_in(client)
    answer = sso_login(client, oidc, ALICE)
    assert answer.status_code == 302, answer.get_data(as_text=True)
    assert logged_in(client)

    user = User.query.filter_by(email="alice.physicist@cern.ch").one()
    assert user.active and user.confirmed_at is not None
    assert user.user_profile.get("full_name") == "Alice Physicist"
    assert UserIdentity.query.filter_by(id="alice", method="cern_openid").one().id_user == user.id
    assert RemoteAccount.get(user.id, CLIENT_ID) is not None
    assert role_names(user.email) == {
        "cms-members@cern.ch",
        "cms-higgs-conveners@cern.ch",
        "it-dep@cern.ch",
        "cern_user@cern.ch",
    }
    # Roles CAP set up keep being managed; new e-groups are external.
    assert Role.query.filter_by(name="cms-members@cern.ch").one().is_managed
    assert not Role.query.filter_by(name="it-dep@cern.ch").one().is_managed


def test_relogin_resyncs_and_keeps_local_roles(app, client, oidc, experiment_roles):
    """Lost groups lose their roles; roles granted locally are never touched."""
    sso_login(client, oidc, ALICE)
    email = "alice.physicist@cern.ch"
    user = User.query.filter_by(email=email).one()
    # An admin grants two roles locally: one the SSO never lists, and one
    # the SSO lists later and then drops.
    for name in ("local-reviewers", "atlas-active-members-all@cern.ch"):
        role = Role.query.filter_by(name=name).one_or_none() or current_datastore.create_role(
            id=name, name=name
        )
        current_datastore.add_role_to_user(user, role)
    db.session.commit()

    with_atlas = {**ALICE, "groups": ALICE["groups"] + ["atlas-active-members-all"]}
    client.post("/logout/")
    assert sso_login(client, oidc, with_atlas).status_code == 302
    assert "atlas-active-members-all@cern.ch" in role_names(email)

    fewer = {**ALICE, "groups": ["cms-members"], "cern_roles": []}
    client.post("/logout/")
    assert sso_login(client, oidc, fewer).status_code == 302
    assert logged_in(client)
    assert role_names(email) == {
        "cms-members@cern.ch",
        "local-reviewers",
        "atlas-active-members-all@cern.ch",
    }
    tracked = {row.role_id for row in SSORoleMembership.query.filter_by(user_id=user.id)}
    assert tracked == {Role.query.filter_by(name="cms-members@cern.ch").one().id}


def test_role_removed_locally_is_restored_by_sso(app, client, oidc, experiment_roles):
    """The SSO is the source of its memberships: a later login restores them."""
    email = "alice.physicist@cern.ch"
    sso_login(client, oidc, ALICE)
    user = User.query.filter_by(email=email).one()
    current_datastore.remove_role_from_user(user, "it-dep@cern.ch")
    db.session.commit()
    assert "it-dep@cern.ch" not in role_names(email)
    client.post("/logout/")
    sso_login(client, oidc, ALICE)
    assert "it-dep@cern.ch" in role_names(email)


def test_second_user_and_group_forms(app, client, oidc):
    """Groups given with a domain or a leading slash, a string claim, no groups."""
    bob = {
        "sub": "bob-sub",
        "preferred_username": "bob",
        "email": "bob@cern.ch",
        "name": "Bob",
        "groups": "/lhcb-general",
        "cern_roles": ["special@example.org"],
    }
    assert sso_login(client, oidc, bob).status_code == 302
    assert role_names("bob@cern.ch") == {"lhcb-general@cern.ch", "special@example.org"}
    client.post("/logout/")
    assert sso_login(client, oidc, {**bob, "groups": [], "cern_roles": []}).status_code == 302
    assert role_names("bob@cern.ch") == set()


def test_logout(app, client, oidc):
    """Logout ends the CAP session and sends the browser to the SSO logout."""
    sso_login(client, oidc, ALICE)
    assert logged_in(client)
    answer = client.post(url_for("cap_ui.logout"))
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith("/oauth/logout")
    answer = client.get("/oauth/logout")
    assert answer.status_code == 302
    assert answer.headers["Location"] == (
        f"{oidc.base_url}/realms/cern/protocol/openid-connect/logout"
    )
    assert not logged_in(client)


def test_bad_code_does_not_log_in(app, client, oidc):
    """A forged or replayed code is refused by the provider: nobody logs in."""
    oidc.user = ALICE
    start = client.get("/oauth/login/cern_openid/")
    state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
    answer = client.get(f"/oauth/authorized/cern_openid/?code=forged&state={state}")
    # invenio-oauthclient answers a refused code with 500 ("invalid response").
    assert answer.status_code >= 400
    assert not logged_in(client)


def test_forged_state_is_refused(app, client, oidc):
    """A callback whose state was not issued to this browser: 403, no login."""
    oidc.user = ALICE
    start = client.get("/oauth/login/cern_openid/")
    provider = requests.get(start.headers["Location"], allow_redirects=False, timeout=5)
    code = parse_qs(urlsplit(provider.headers["Location"]).query)["code"][0]
    answer = client.get(f"/oauth/authorized/cern_openid/?code={code}&state=forged")
    assert answer.status_code == 403
    assert not logged_in(client)


@pytest.mark.parametrize("trouble", ["down", "no email"])
def test_unusable_userinfo_does_not_log_in(app, client, oidc, trouble):
    """Userinfo failing or without an address: back to login, nobody created."""
    user = {"sub": "carol-sub", "email": "carol@cern.ch", "groups": ["cms-members"]}
    if trouble == "down":
        oidc.userinfo_status = 503
    else:
        user.pop("email")
    try:
        answer = sso_login(client, oidc, user)
    finally:
        oidc.userinfo_status = 200
    assert answer.status_code == 302
    assert "/login" in answer.headers["Location"]
    assert not logged_in(client)
    assert User.query.filter_by(email="carol@cern.ch").one_or_none() is None


def test_token_settings_page_is_registered(app):
    """Users create personal tokens at /account/settings/applications/ (UI app)."""
    assert "invenio_oauth2server_settings.index" in app.view_functions
    assert url_for("invenio_oauth2server_settings.index") == "/account/settings/applications/"
