"""HTTP views of published records (read only)."""

from flask import Blueprint, g, request

from ...core.db import read_only
from ...core.errors import register_error_handlers
from ...deposit.resources.http import answer, negotiate
from ...deposit.resources.resource import search_answer
from ...deposit.resources.serializers import (
    BASIC,
    JSON,
    PERMISSIONS,
    meta_of,
    serialize_basic,
    serialize_full,
    serialize_permissions,
)
from ..proxies import current_record_service

ITEM_MIMETYPES = [JSON, BASIC, PERMISSIONS]


@read_only
def search():
    """GET /records/: records the caller may read."""
    return search_answer(current_record_service, "records")


@read_only
def read(recid):
    """GET /records/<recid>[?revision=N]."""
    mimetype = negotiate(ITEM_MIMETYPES)
    record = current_record_service.read(
        g.identity, recid, revision=request.args.get("revision")
    )
    meta = meta_of(record)
    if mimetype == BASIC:
        body = serialize_basic(record, meta)
    elif mimetype == PERMISSIONS:
        body = serialize_permissions(record)
    else:
        body = serialize_full(record, meta, g.identity)
    return answer(body, revision=record.revision_id, mimetype=mimetype)


@read_only
def revisions(recid):
    """GET /records/<recid>/revisions: ``[{revision, updated}]``."""
    return answer(current_record_service.revisions(g.identity, recid))


def create_blueprint(app):
    """Blueprint of ``/records``."""
    blueprint = Blueprint("cap_records", __name__)
    rule = blueprint.add_url_rule
    rule("/records/", "search", search, methods=["GET"], strict_slashes=False)
    rule("/records/<recid>", "read", read, methods=["GET"])
    rule("/records/<recid>/revisions", "revisions", revisions, methods=["GET"])
    register_error_handlers(blueprint)
    return blueprint
