"""HTTP views of drafts: parse, one service call with ``g.identity``, serialize."""

from flask import Blueprint, current_app, g, request

from ...core.db import read_only
from ...core.errors import InvalidRequestError, field_error, register_error_handlers
from ...search import speculation
from ..proxies import current_deposit_service
from .http import (
    answer,
    if_match_revision,
    negotiate,
    parse_json_body,
    prefers_lenient,
    search_links,
)
from .serializers import (
    BASIC,
    CSV,
    FORM,
    JSON,
    PERMISSIONS,
    Users,
    expect_users,
    keep_named_users,
    meta_of,
    serialize_basic,
    serialize_csv,
    serialize_form,
    serialize_full,
    serialize_hits,
    serialize_permissions,
    unpack_hit,
)

ITEM_MIMETYPES = [JSON, BASIC, PERMISSIONS, FORM]
SEARCH_MIMETYPES = [JSON, BASIC, CSV]
ACTION_STATUS = {"publish": 202, "edit": 201, "discard": 201, "clone": 201,
                 "permissions": 201}


def serialize_item(deposit, mimetype, service):
    """A draft in the negotiated format."""
    meta = meta_of(deposit)
    if mimetype == BASIC:
        return serialize_basic(deposit, meta)
    if mimetype == PERMISSIONS:
        return serialize_permissions(deposit)
    if mimetype == FORM:
        return serialize_form(
            deposit, meta, g.identity,
            service.abilities(g.identity, deposit),
            service.schema_of(g.identity, deposit),
        )
    return serialize_full(deposit, meta, g.identity)


def item_answer(deposit, status=200, service=None):
    """Answer one draft in the format the client accepts."""
    mimetype = negotiate(ITEM_MIMETYPES)
    body = serialize_item(deposit, mimetype, service or current_deposit_service)
    return answer(body, status, revision=deposit.revision_id, mimetype=mimetype)


def saved_answer(deposit, lenient, status=200):
    """The answer to a save, saying whether ``Prefer: handling=lenient`` applied."""
    response = item_answer(deposit, status)
    if lenient:
        response.headers["Preference-Applied"] = "handling=lenient"
    return response


def search_params():
    """The query parameters of a search (a list for a repeated one)."""
    params = {key: request.args.getlist(key) for key in request.args}
    return {k: (v[0] if len(v) == 1 else v) for k, v in params.items()}


def search_answer(service, endpoint):
    """Run a search and answer it in the format the client accepts."""
    mimetype = negotiate(SEARCH_MIMETYPES)
    pending = speculation.take()
    result, parsed = service.search(g.identity, search_params(), pending=pending)
    hits = result["hits"]["hits"]
    total = result["hits"]["total"]
    total = total["value"] if isinstance(total, dict) else total
    if mimetype == BASIC:
        bodies = [serialize_basic(*unpack_hit(hit)) for hit in hits]
    else:
        users = Users()
        bodies = serialize_hits(hits, g.identity, users)
        if pending is not None:
            keep_named_users(pending.notes, users)
    if mimetype == CSV:
        return answer(serialize_csv(bodies), mimetype=CSV)
    aggregations = {
        name: {"buckets": [{"key": b["key"], "doc_count": b["doc_count"]}
                           for b in agg.get("buckets", [])]}
        for name, agg in (result.get("aggregations") or {}).items()
    }
    base = f"{current_app.config['SITE_API_URL']}/{endpoint}/"
    return answer(
        {
            "hits": {"hits": bodies, "total": total},
            "aggregations": aggregations,
            "links": search_links(base, parsed, total),
        },
        mimetype=mimetype,
    )


@read_only
@speculation.speculative(
    lambda identity: current_deposit_service.search_request(identity, search_params()),
    recall=expect_users)
def search():
    """GET /deposits/: drafts the caller may read."""
    return search_answer(current_deposit_service, "deposits")


def create():
    """POST /deposits/: a new draft."""
    lenient = prefers_lenient()
    deposit = current_deposit_service.create(g.identity, parse_json_body(), lenient=lenient)
    return saved_answer(deposit, lenient, 201)


def read(pid):
    """GET /deposits/<pid>."""
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
    deposit = current_deposit_service.read(g.identity, pid)
    body = serialize_full(deposit, meta_of(deposit), g.identity)["files"]
    return answer(body, revision=deposit.revision_id)


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
    return item_answer(deposit, ACTION_STATUS[action], service=service)


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
