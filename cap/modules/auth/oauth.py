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

from importlib.metadata import version

from flask import current_app, g
from flask_principal import Identity, identity_changed
from invenio_accounts.models import User
from invenio_oauth2server import provider as upstream
from invenio_oauth2server.models import Client, Token
from packaging.version import Version
from sqlalchemy.orm import contains_eager, joinedload

if Version(version("flask-login")) <= Version("0.6.1"):  # checked once, at import
    raise RuntimeError("login_oauth2_user stores the user in g._login_user (flask-login > 0.6.1)")


def get_token(access_token=None, refresh_token=None):
    """The token (with its user, the user's roles and its client), or ``None``.

    Same semantics as ``invenio_oauth2server.provider.get_token``. Both token
    values are unique (unique indexes), so at most one token matches.
    """
    query = Token.query.options(joinedload(Token.user).joinedload(User.roles))
    if access_token:
        query = query.options(joinedload(Token.client)).filter(
            Token.access_token == access_token
        )
    elif refresh_token:
        query = (
            query.join(Token.client)
            .options(contains_eager(Token.client))
            .filter(
                Token.refresh_token == refresh_token,
                Token.is_personal.is_(False),
                Client.is_confidential.is_(True),
            )
        )
    else:
        return None
    token = query.one_or_none()
    return token if token and token.user is not None and token.user.active else None


def login_oauth2_user(valid, oauth):
    """Log in the token's user: ``invenio_oauth2server.provider.login_oauth2_user``
    for flask-login > 0.6.1, without the per-request version look-up."""
    if valid:
        oauth.user.login_via_oauth2 = True
        g._login_user = oauth.user
        identity_changed.send(current_app._get_current_object(), identity=Identity(oauth.user.id))
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
