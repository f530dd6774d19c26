"""Token verification of the API: upstream's semantics, fewer round trips.

invenio-oauth2server verifies the bearer token of every API request
(``verify_oauth_token_and_set_current_user``) through its global
``OAuth2Provider``. Two of its callbacks are replaced here, with exactly the
same meaning:

- :func:`get_token` (the ``tokengetter``): upstream loads the token, then
  lazily its user, then (flask-oauthlib's ``validate_bearer_token``) its
  client, then (flask-security's identity loader) the user's roles: four
  queries per request. Here one query loads the token with its user, the
  user's roles and the client. Same rules: an access token is looked up by
  its value whatever its kind; a refresh token only if it is not a personal
  token and its client is confidential; the token of an inactive user is
  refused. Nothing is cached across requests: a revoked token or a
  deactivated user is refused on the next request. (A token without a user,
  which upstream would fail on with an ``AttributeError``, is not found.)
- :func:`login_oauth2_user` (the provider's ``after_request``): upstream asks
  ``importlib.metadata.version("flask-login")`` on every request to pick how
  to store the user; our pinned flask-login is newer than 0.6.1 (asserted at
  import), so the user goes to ``g._login_user`` directly.
"""

from functools import cache
from importlib.metadata import version

from flask import current_app, g
from flask_principal import Identity, identity_changed
from invenio_accounts.models import User
from invenio_db import db
from invenio_oauth2server import provider as upstream
from invenio_oauth2server.models import Client, Token
from packaging.version import Version
from sqlalchemy import bindparam, select
from sqlalchemy.orm import contains_eager, joinedload, lazyload

from . import hints

if Version(version("flask-login")) <= Version("0.6.1"):  # checked once, at import
    raise RuntimeError("login_oauth2_user stores the user in g._login_user (flask-login > 0.6.1)")


@cache
def _statements():
    """The two token look-ups, built once (on first use, when the mappers are
    configured) and executed with the token value as a bound parameter.

    Building a select with loader options costs more than running it (the
    options and their cache key, on every call): a built statement halves the
    getter's time. The user's ``login_info`` (joined by default) is left out:
    nothing in a token request reads it, and it still loads on access.
    """
    user = joinedload(Token.user).options(lazyload(User.login_info), joinedload(User.roles))
    by_access = (
        select(Token)
        .options(user, joinedload(Token.client))
        .where(Token.access_token == bindparam("value"))
    )
    by_refresh = (
        select(Token)
        .join(Token.client)
        .options(user, contains_eager(Token.client))
        .where(
            Token.refresh_token == bindparam("value"),
            Token.is_personal.is_(False),
            Client.is_confidential.is_(True),
        )
    )
    return by_access, by_refresh


def get_token(access_token=None, refresh_token=None):
    """The token (with its user, the user's roles and its client), or ``None``.

    Same semantics as ``invenio_oauth2server.provider.get_token``. Both token
    values are unique (unique indexes), so at most one token matches.
    """
    by_access, by_refresh = _statements()
    if access_token:
        statement, value = by_access, access_token
    elif refresh_token:
        statement, value = by_refresh, refresh_token
    else:
        return None
    token = db.session.execute(statement, {"value": value}).unique().scalar_one_or_none()
    return token if token and token.user is not None and token.user.active else None


def login_oauth2_user(valid, oauth):
    """Log in the token's user: ``invenio_oauth2server.provider.login_oauth2_user``
    for flask-login > 0.6.1, without the per-request version look-up.

    The identity the token proved (its needs loaded by ``identity_changed``)
    is kept as the token's hint (:mod:`.hints`); a token that fails loses it.
    """
    if valid:
        oauth.user.login_via_oauth2 = True
        g._login_user = oauth.user
        identity = Identity(oauth.user.id)
        identity_changed.send(current_app._get_current_object(), identity=identity)
        hints.remember(oauth.access_token.access_token, identity)
    elif (token_value := hints.presented_token()) is not None:
        hints.forget(token_value)
    return valid, oauth


def install():
    """Put our callbacks in place of upstream's on the global provider (idempotent)."""
    oauth2 = upstream.oauth2
    oauth2.tokengetter(get_token)
    validator = getattr(oauth2, "_validator", None)
    if validator is not None:  # built before us: it copied the old getter
        validator._tokengetter = get_token
    funcs = oauth2._after_request_funcs
    funcs[:] = [login_oauth2_user if f is upstream.login_oauth2_user else f for f in funcs]
    if login_oauth2_user not in funcs:
        funcs.append(login_oauth2_user)
