"""HTTP views of drafts: parse, one service call with ``g.identity``, serialize."""

from flask import Blueprint, current_app, g

from ...core.db import read_only
from ...core.errors import InvalidRequestError, field_error, register_error_handlers
from ...records.resources.http import (
    answer,
    if_match_revision,
    negotiate,
    parse_json_body,
    prefers_lenient,
)
from ...records.resources.resource import search_answer
from ...records.resources.serializers import (
    BASIC,
    FORM,
    JSON,
    PERMISSIONS,
    serialize_basic,
    serialize_form,
    serialize_full,
    serialize_permissions,
)
from ..proxies import current_deposit_service

ITEM_MIMETYPES = [JSON, BASIC, PERMISSIONS, FORM]
ACTION_STATUS = {"publish": 202, "edit": 201, "discard": 201, "clone": 201,
                 "permissions": 201}


def item_answer(item, status=200):
    """Answer one draft in the format the client accepts."""
    mimetype = negotiate(ITEM_MIMETYPES)
    if mimetype == BASIC:
        body = serialize_basic(item)
    elif mimetype == PERMISSIONS:
        body = serialize_permissions(item)
    elif mimetype == FORM:
        body = serialize_form(current_deposit_service.with_form(g.identity, item))
    else:
        body = serialize_full(item)
    return answer(body, status, revision=item.revision, mimetype=mimetype)


def saved_answer(item, lenient, status=200):
    """The answer to a save, saying whether ``Prefer: handling=lenient`` applied."""
    response = item_answer(item, status)
    if lenient:
        response.headers["Preference-Applied"] = "handling=lenient"
    return response


@read_only
def search():
    """GET /deposits/: drafts the caller may read."""
    return search_answer(current_deposit_service, "deposits")


def create():
    """POST /deposits/: a new draft."""
    lenient = prefers_lenient()
    deposit = current_deposit_service.create(g.identity, parse_json_body(), lenient=lenient)
    return saved_answer(deposit, lenient, 201)


def read(pid):
    """GET /deposits/<pid>; other modules' formats (``cap.deposit.answers``) too."""
    others = current_app.extensions["cap-deposit"].answers
    if others:
        mimetype = negotiate(ITEM_MIMETYPES + list(others))
        if mimetype in others:
            return answer(others[mimetype](g.identity, pid), mimetype=mimetype)
    return item_answer(current_deposit_service.read(g.identity, pid))


def update(pid):
    """PUT /deposits/<pid>: the whole metadata."""
    lenient = prefers_lenient()
    deposit = current_deposit_service.update(
        g.identity, pid, parse_json_body(), revision_id=if_match_revision(),
        lenient=lenient,
    )
    return saved_answer(deposit, lenient)


def patch(pid):
    """PATCH /deposits/<pid>: an RFC 6902 JSON patch."""
    lenient = prefers_lenient()
    deposit = current_deposit_service.patch(
        g.identity, pid, parse_json_body(), revision_id=if_match_revision(),
        lenient=lenient,
    )
    return saved_answer(deposit, lenient)


def delete(pid):
    """DELETE /deposits/<pid>: a never-published draft."""
    current_deposit_service.delete(g.identity, pid)
    return "", 204


def files(pid):
    """GET /deposits/<pid>/files: the draft's files."""
    item = current_deposit_service.read(g.identity, pid)
    return answer(list(item.files), revision=item.revision)


def action(pid, action):
    """POST /deposits/<pid>/actions/<action>."""
    service = current_deposit_service
    if action not in ACTION_STATUS:
        message = f"Unknown action {action!r}; use one of {', '.join(ACTION_STATUS)}."
        raise InvalidRequestError(message, [field_error("action", message)])
    if action == "permissions":
        deposit = service.update_permissions(g.identity, pid, parse_json_body())
    else:
        deposit = getattr(service, action)(g.identity, pid)
    return item_answer(deposit, ACTION_STATUS[action])


def create_blueprint(app):
    """Blueprint of ``/deposits``."""
    blueprint = Blueprint("cap_deposits", __name__)
    rule = blueprint.add_url_rule
    rule("/deposits/", "search", search, methods=["GET"], strict_slashes=False)
    rule("/deposits/", "create", create, methods=["POST"], strict_slashes=False)
    rule("/deposits/<pid>", "read", read, methods=["GET"])
    rule("/deposits/<pid>", "update", update, methods=["PUT"])
    rule("/deposits/<pid>", "patch", patch, methods=["PATCH"])
    rule("/deposits/<pid>", "delete", delete, methods=["DELETE"])
    rule("/deposits/<pid>/files", "files", files, methods=["GET"])
    rule("/deposits/<pid>/actions/<action>", "action", action, methods=["POST"])
    register_error_handlers(blueprint)
    return blueprint
