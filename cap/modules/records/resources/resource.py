"""HTTP views of published records (read only), and the search answer both
drafts and records give."""

from flask import Blueprint, current_app, g, request

from ...core.db import read_only
from ...core.errors import register_error_handlers
from ..proxies import current_export_formats, current_record_service
from .http import answer, chosen_mimetype, search_links, search_params
from .serializers import (
    BASIC,
    CSV,
    JSON,
    PERMISSIONS,
    serialize_basic,
    serialize_csv,
    serialize_full,
    serialize_permissions,
)

ITEM_MIMETYPES = [JSON, BASIC, PERMISSIONS]
SEARCH_MIMETYPES = [JSON, BASIC, CSV]


def aggregations_body(result):
    """The facets of a search result: ``{name: {label, buckets: [{key, doc_count,
    label}]}}`` (the facet's ``label``: its title from its schema; a bucket's: the
    value's name, a type's full name or a field's ``ui:enumNames``; each when known)."""
    labels = result.params.facet_labels
    value_labels = result.params.value_labels
    body = {}
    for name, agg in (result.aggregations or {}).items():
        named = value_labels.get(name, {})
        buckets = []
        for bucket in agg.get("buckets", []):
            item = {"key": bucket["key"], "doc_count": bucket["doc_count"]}
            if str(bucket["key"]) in named:
                item["label"] = named[str(bucket["key"])]
            buckets.append(item)
        body[name] = {"buckets": buckets}
        if name in labels:
            body[name]["label"] = labels[name]
    return body


def search_answer(service, endpoint):
    """Run a search and answer it in the format the client accepts."""
    mimetype = chosen_mimetype(SEARCH_MIMETYPES, {"json": JSON, "csv": CSV})
    result = service.search(g.identity, search_params())
    if mimetype == BASIC:
        bodies = [serialize_basic(item) for item in result.items]
    else:
        bodies = [serialize_full(item) for item in result.items]
    if mimetype == CSV:
        return answer(serialize_csv(bodies), mimetype=CSV)
    base = f"{current_app.config['SITE_API_URL']}/{endpoint}/"
    return answer(
        {
            "hits": {"hits": bodies, "total": result.total},
            "aggregations": aggregations_body(result),
            "links": search_links(base, result.params, result.total),
        },
        mimetype=mimetype,
    )


@read_only
def search():
    """GET /records/: records the caller may read."""
    return search_answer(current_record_service, "records")


@read_only
def read(recid):
    """GET /records/<recid>[?revision=N][&format=NAME]: JSON, or a citation
    export (by ``Accept`` or ``?format=``)."""
    exports = {export.mimetype: export for export in current_export_formats}
    names = {"json": JSON, **{export.name: export.mimetype for export in exports.values()}}
    mimetype = chosen_mimetype(ITEM_MIMETYPES + list(exports), names)
    item = current_record_service.read(g.identity, recid, revision=request.args.get("revision"))
    if mimetype in exports:
        body = exports[mimetype].serialize(item)
    elif mimetype == BASIC:
        body = serialize_basic(item)
    elif mimetype == PERMISSIONS:
        body = serialize_permissions(item)
    else:
        body = serialize_full(item)
    return answer(body, revision=item.revision, mimetype=mimetype)


@read_only
def revisions(recid):
    """GET /records/<recid>/revisions: ``[{revision, updated, author}]``."""
    return answer(current_record_service.revisions(g.identity, recid))


@read_only
def diff(recid):
    """GET /records/<recid>/diff?from=N&to=M: the changes between two revisions."""
    args = request.args
    return answer(current_record_service.diff(g.identity, recid, args.get("from"), args.get("to")))


def create_blueprint(app):
    """Blueprint of ``/records``."""
    blueprint = Blueprint("cap_records", __name__)
    rule = blueprint.add_url_rule
    rule("/records/", "search", search, methods=["GET"], strict_slashes=False)
    rule("/records/<recid>", "read", read, methods=["GET"])
    rule("/records/<recid>/revisions", "revisions", revisions, methods=["GET"])
    rule("/records/<recid>/diff", "diff", diff, methods=["GET"])
    register_error_handlers(blueprint)
    return blueprint
