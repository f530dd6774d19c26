"""Personal access tokens (invenio-oauth2server).

Tokens are full-access, as in the legacy service: CAP defines no OAuth
scopes because nothing in the API checks them; a scope that no endpoint
enforces would only give a false sense of restriction.

cap-client 1.4 sends ``Authorization: OAuth2 <token>`` while oauthlib only
parses ``Bearer``; :class:`TokenSchemeMiddleware` rewrites the accepted
synonyms to ``Bearer`` before Flask (and so before invenio-oauth2server's
``verify_oauth_token_and_set_current_user`` ``before_request``) sees them.
"""

from invenio_accounts.models import User
from invenio_db import db
from invenio_oauth2server.models import Client, Token

from ..core.errors import NotFoundError


class TokenSchemeMiddleware:
    """WSGI middleware: ``Authorization: <synonym> <t>`` becomes ``Bearer <t>``."""

    def __init__(self, wsgi_app, schemes):
        """Wrap ``wsgi_app``; ``schemes`` are matched case-insensitively."""
        self.wsgi_app = wsgi_app
        self.schemes = {scheme.lower() for scheme in schemes}

    def __call__(self, environ, start_response):
        """Rewrite the header, then call the wrapped app."""
        header = environ.get("HTTP_AUTHORIZATION", "")
        scheme, _, credentials = header.strip().partition(" ")
        if scheme.lower() in self.schemes and credentials.strip():
            environ["HTTP_AUTHORIZATION"] = f"Bearer {credentials.strip()}"
        return self.wsgi_app(environ, start_response)


def _user_by_email(email):
    user = User.query.filter(db.func.lower(User.email) == email.lower()).one_or_none()
    if user is None:
        raise NotFoundError(f"No user with email {email}.")
    return user


def personal_tokens(email=None):
    """Personal tokens, optionally of one user: ``[(Token, Client)]``."""
    query = (
        db.session.query(Token, Client)
        .join(Client, Token.client_id == Client.client_id)
        .filter(Token.is_personal.is_(True))
    )
    if email:
        query = query.filter(Token.user_id == _user_by_email(email).id)
    return query.order_by(Token.user_id, Client.name).all()


def create_token(email, name, scopes=None):
    """Create a personal token for the user; returns the Token (commits)."""
    user = _user_by_email(email)
    token = Token.create_personal(name, user.id, scopes=scopes or [])
    db.session.commit()
    return token


def revoke_token(token_id=None, email=None, name=None):
    """Delete a personal token (by id, or by owner email and name); it stops working at once.

    Returns the number of tokens deleted.
    """
    query = (
        db.session.query(Token, Client)
        .join(Client, Token.client_id == Client.client_id)
        .filter(Token.is_personal.is_(True))
    )
    if token_id is not None:
        query = query.filter(Token.id == token_id)
    if email:
        query = query.filter(Token.user_id == _user_by_email(email).id)
    if name:
        query = query.filter(Client.name == name)
    if token_id is None and not (email and name):
        raise ValueError("Give a token id, or an email and a name.")
    rows = query.all()
    if not rows:
        raise NotFoundError("No such personal token.")
    for token, client in rows:
        db.session.delete(token)
        # A personal token has its own internal client: remove it too.
        db.session.delete(client)
    db.session.commit()
    return len(rows)
