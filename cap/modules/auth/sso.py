"""CERN SSO (OpenID Connect, Keycloak) login on top of invenio-oauthclient.

Adapted from ``invenio_oauthclient.contrib.cern_openid``, which is not
imported: importing it connects process-wide ``identity_changed`` /
``identity_loaded`` receivers that need ``CERN_APP_OPENID_CREDENTIALS`` in
every app and keep roles in the session only. Here the user's groups become
real role memberships ``<group>@cern.ch`` in the database, re-synced at
every login, so that sessions and personal tokens see the same roles.

Endpoints come from ``CAP_SSO_BASE_URL`` and ``CAP_SSO_REALM``; the remote
app reads them (and the client id and secret) lazily from
``app.config["CAP_SSO_CLIENT"]``, which the extension fills in.
"""

import jwt
import requests
from flask import current_app, g
from invenio_accounts.models import Role
from invenio_accounts.proxies import current_datastore
from invenio_db import db
from invenio_oauthclient.errors import OAuthClientUnAuthorized
from invenio_oauthclient.oauth import oauth_link_external_id

from .models import SSORoleMembership
from .remote import REMOTE_APP, REMOTE_NAME  # noqa: F401  (re-export)


def realm_url(app):
    """``<base>/realms/<realm>/protocol/openid-connect``."""
    base = app.config["CAP_SSO_BASE_URL"].rstrip("/")
    return f"{base}/realms/{app.config['CAP_SSO_REALM']}/protocol/openid-connect"


def client_config(app):
    """What the remote app reads lazily: endpoints and credentials."""
    url = realm_url(app)
    return {
        "base_url": f"{url}/",
        "authorize_url": f"{url}/auth",
        "access_token_url": f"{url}/token",
        "userinfo_url": f"{url}/userinfo",
        "logout_url": f"{url}/logout",
        "consumer_key": app.config["CAP_SSO_CLIENT_ID"],
        "consumer_secret": app.config["CAP_SSO_CLIENT_SECRET"],
    }


def _token_claims(resp):
    """Claims of the access token when it is a JWT (it came straight from
    the token endpoint over TLS, so its signature is not re-checked)."""
    token = (resp or {}).get("access_token", "")
    try:
        return jwt.decode(token, options={"verify_signature": False, "verify_aud": False})
    except jwt.PyJWTError:
        return {}


def get_resource(resp):
    """Userinfo merged with the access-token claims (userinfo wins)."""
    url = current_app.config["CAP_SSO_CLIENT"]["userinfo_url"]
    answer = requests.get(
        url,
        headers={"Authorization": f"Bearer {resp['access_token']}"},
        timeout=current_app.config["CAP_SSO_TIMEOUT"],
    )
    answer.raise_for_status()
    userinfo = answer.json()
    if not isinstance(userinfo, dict):
        raise ValueError("userinfo is not a JSON object")
    return {**_token_claims(resp), **userinfo}


def groups_of(resource):
    """Role names from the configured group claims: ``<group>@cern.ch``."""
    domain = current_app.config["CAP_SSO_GROUP_DOMAIN"]
    names = set()
    for claim in current_app.config["CAP_SSO_GROUP_CLAIMS"]:
        values = resource.get(claim) or []
        if isinstance(values, str):
            values = [values]
        for value in values:
            value = str(value).strip().lstrip("/")
            if value:
                names.add(value if "@" in value else f"{value}@{domain}")
    return names


def account_info(remote, resp):
    """The account of the SSO user; remembers the groups for the login step.

    When the provider's userinfo fails or lacks an address, nobody is
    logged in: the browser goes back to the login page.
    """
    try:
        resource = get_resource(resp)
        resource["email"], resource["sub"]  # noqa: B018  (required claims)
    except (requests.RequestException, ValueError, KeyError, TypeError) as error:
        current_app.logger.warning("CERN SSO userinfo unusable: %r", error)
        raise OAuthClientUnAuthorized() from error
    g.cap_sso_groups = groups_of(resource)
    external_id = resource.get("cern_upn") or resource["sub"]
    g.cap_sso_external_id = external_id
    g.cap_sso_full_name = resource.get("name") or ""
    username = resource.get("preferred_username") or external_id
    return {
        "user": {
            "email": resource["email"].lower(),
            "profile": {
                "username": username,
                "full_name": resource.get("name", ""),
            },
        },
        "external_id": external_id,
        "external_method": REMOTE_NAME,
        "active": True,
    }


def account_setup(remote, token, resp):
    """First login with this remote: link the external id."""
    external_id = g.get("cap_sso_external_id") or account_info(remote, resp)["external_id"]
    with db.session.begin_nested():
        token.remote_account.extra_data = {"external_id": external_id}
        oauth_link_external_id(
            token.remote_account.user, {"id": external_id, "method": REMOTE_NAME}
        )


def ensure_external_role(name):
    """The role ``name``; created as not managed by CAP when missing."""
    role = Role.query.filter_by(name=name).one_or_none()
    if role is None:
        role = current_datastore.create_role(
            id=name, name=name, description="CERN e-group", is_managed=False
        )
    return role


def sync_roles(user, groups):
    """Make the user's SSO-granted roles equal ``groups``.

    Roles the user holds without an SSO row (granted locally) are kept,
    and are not taken over by the SSO even when the group lists them.
    Returns ``(added, removed)`` role names.
    """
    tracked = {
        row.role_id: row
        for row in SSORoleMembership.query.filter_by(user_id=user.id)
    }
    held = {role.name for role in user.roles}
    added, removed = [], []
    for name in sorted(groups):
        role = ensure_external_role(name)
        if role.id in tracked:
            if name not in held:  # removed locally meanwhile: the SSO restores it
                current_datastore.add_role_to_user(user, role)
            continue
        if name in held:  # granted locally: leave it to its owner
            continue
        current_datastore.add_role_to_user(user, role)
        db.session.add(SSORoleMembership(user_id=user.id, role_id=role.id))
        added.append(name)
    wanted_ids = {Role.query.filter_by(name=name).one().id for name in groups}
    for role_id, row in tracked.items():
        if role_id in wanted_ids:
            continue
        role = db.session.get(Role, role_id)
        if role is not None and role in user.roles:
            current_datastore.remove_role_from_user(user, role)
            removed.append(role.name)
        db.session.delete(row)
    return added, removed


def on_user_logged_in(app, user):
    """``user_logged_in`` receiver: sync the roles of an SSO login."""
    groups = g.pop("cap_sso_groups", None)
    if groups is None:  # a local or token login: nothing to sync
        return
    added, removed = sync_roles(user, groups)
    full_name = g.pop("cap_sso_full_name", "")
    if full_name and (user.user_profile or {}).get("full_name") != full_name:
        user.user_profile = {**(user.user_profile or {}), "full_name": full_name}
    db.session.commit()
    app.logger.info(
        "SSO login of %s: roles added %s, removed %s", user.email, added, removed
    )
