"""Token look-up of the API: upstream's rules in one SQLAlchemy query.

invenio-oauth2server verifies the bearer token of every API request
(``verify_oauth_token_and_set_current_user``) through its global
``OAuth2Provider``, whose ``tokengetter`` loads the token, then lazily its
user, its client (flask-oauthlib's ``validate_bearer_token``) and the
user's roles (flask-security's identity loader): four queries per request.
:func:`get_token` has the same rules and loads the same objects with one
query (joined eager loads): an access token is looked up by its value
whatever its kind; a refresh token only if it is not a personal token and
its client is confidential; the token of an inactive user is refused.
Nothing is kept across requests: a revoked token or a deactivated user is
refused on the next request. Logging the user in stays upstream's
(``invenio_oauth2server.provider.login_oauth2_user``).
"""

from invenio_accounts.models import User
from invenio_db import db
from invenio_oauth2server import provider as upstream
from invenio_oauth2server.models import Client, Token
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload


def _token_query():
    # Inner join: a token without a user (upstream would fail on it with an
    # AttributeError) is not found. The user's login information (eager by
    # default) is read by nothing in a token check; it loads on access.
    user = joinedload(Token.user, innerjoin=True)
    return select(Token).options(user.joinedload(User.roles), user.lazyload(User.login_info))


def get_token(access_token=None, refresh_token=None):
    """The token (with its user, the user's roles and its client), or ``None``.

    Same semantics as ``invenio_oauth2server.provider.get_token``. Both token
    values are unique (unique indexes), so at most one token matches.
    """
    if access_token:
        query = _token_query().options(joinedload(Token.client)).where(
            Token.access_token == access_token)
    elif refresh_token:
        query = (
            _token_query()
            .join(Token.client)
            .options(contains_eager(Token.client))
            .where(
                Token.refresh_token == refresh_token,
                Token.is_personal.is_(False),
                Client.is_confidential.is_(True),
            )
        )
    else:
        return None
    token = db.session.execute(query).unique().scalar_one_or_none()
    return token if token is not None and token.user.active else None


def install():
    """Register :func:`get_token` as the global provider's token getter.

    flask-oauthlib hands the getter to its validator when the provider's
    ``server`` is first used, i.e. on the first request of the process;
    every CAP app registers it at start-up, before that.
    """
    upstream.oauth2.tokengetter(get_token)

