"""CADI look-ups for the form: ``GET /cms/cadi?query=`` (suggestions from
our synced copy) and ``GET /cms/cadi/<id>`` (one analysis in the
``cadi_info`` shape; our synced copy first, the live API for an id we do
not have)."""

import time

from flask import Blueprint, current_app, g, jsonify, request

from ...core.args import int_arg
from ...core.errors import (
    InvalidRequestError,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
    field_error,
    register_error_handlers,
)
from ...services.status import record_status
from .parser import CADI_ID, MalformedAnalysis, parse_analysis
from .permissions import require_cms_access
from .proxies import current_cadi_client
from .sync import local_analyses, local_analysis

SUGGEST_MAX = 20


def cadi_suggestions():
    """``{hits: [{cadi_id, name, status}]}``: synced analyses whose id starts with ``query``."""
    require_cms_access(g.identity)
    query = (request.args.get("query") or "").strip()
    size = int_arg("size", request.args.get("size"), 10, 1, SUGGEST_MAX)
    if len(query) < 2:
        return jsonify({"hits": []}), 200
    hits = [
        {"cadi_id": cadi_id, "name": info.get("name"), "status": info.get("status")}
        for cadi_id, info in local_analyses(query, size)
    ]
    return jsonify({"hits": hits}), 200


def cadi_analysis(cadi_id):
    """The analysis as ``cadi_info``; 502/504 when CADI is down or slow."""
    require_cms_access(g.identity)
    if not CADI_ID.match(cadi_id):
        message = f"{cadi_id!r} is not a CADI id (e.g. EXO-19-001)."
        raise InvalidRequestError(message, [field_error("cadi_id", message)])
    synced = local_analysis(cadi_id)
    if synced is not None:
        return jsonify(synced), 200
    deadline = time.monotonic() + current_app.config["CAP_CADI_TIMEOUT"]
    try:
        raw = current_cadi_client.get_analysis(cadi_id, deadline=deadline)
    except (UpstreamUnavailableError, UpstreamTimeoutError) as error:
        record_status("cadi", False, error.message)
        raise
    record_status("cadi", True)
    try:
        analysis = parse_analysis(raw)
    except MalformedAnalysis as error:
        raise UpstreamUnavailableError(
            f"CADI answered an analysis CAP cannot read ({error.reason})."
        ) from None
    if analysis.cadi_id != cadi_id:
        raise UpstreamUnavailableError(
            f"CADI answered {analysis.cadi_id} when asked for {cadi_id}."
        )
    return jsonify(analysis.cadi_info), 200


def create_blueprint(app):
    """Blueprint of the CADI endpoint."""
    blueprint = Blueprint("cap_cadi", __name__)
    blueprint.add_url_rule("/cms/cadi", "suggestions", cadi_suggestions, methods=["GET"])
    blueprint.add_url_rule("/cms/cadi/<cadi_id>", "analysis", cadi_analysis, methods=["GET"])
    register_error_handlers(blueprint)
    return blueprint
