"""HTTP of linked accounts: parse, one service call, answer.

- ``GET /me/linked-accounts``: every account type, linked or not, and as whom;
- ``DELETE /me/linked-accounts/<name>``: revoke at the provider and forget the token;
- ``GET /me/linked-accounts/<name>/repositories[?page=N]``: the linked git
  account's repositories (100 a page), to pick one to attach.

Linking itself is the browser's OAuth dance on the UI app
(``/oauth/login/<name>/``, see :mod:`.handlers`).
"""

from flask import Blueprint, g, request

from ..core.db import read_only
from ..core.errors import InvalidRequestError, field_error, register_error_handlers
from ..records.resources.http import answer
from .proxies import current_linked_accounts_service

MAX_PAGE = 100


@read_only
def linked_accounts():
    """The caller's linked accounts."""
    return answer(current_linked_accounts_service.list(g.identity))


def disconnect(name):
    """Disconnect one linked account."""
    return answer(current_linked_accounts_service.disconnect(g.identity, name))


def repositories(name):
    """Repositories of the linked git account, to pick one from (not read-only: an
    expired token is renewed, and the renewal committed)."""
    raw = request.args.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        message = f"page is a number from 1 to {MAX_PAGE}."
        raise InvalidRequestError(message, [field_error(["page"], message)])
    return answer(current_linked_accounts_service.repositories(g.identity, name, int(raw)))


def create_blueprint(app):
    """Blueprint of the linked accounts routes."""
    blueprint = Blueprint("cap_linked_accounts", __name__)
    rule = blueprint.add_url_rule
    rule("/me/linked-accounts", "list", linked_accounts, methods=["GET"])
    rule("/me/linked-accounts/<name>", "disconnect", disconnect, methods=["DELETE"])
    rule("/me/linked-accounts/<name>/repositories", "repositories", repositories,
         methods=["GET"])
    register_error_handlers(blueprint)
    return blueprint
