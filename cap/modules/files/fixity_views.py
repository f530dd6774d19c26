"""``GET /admin/fixity``: the files whose last fixity check failed (superusers)."""

from flask import Blueprint, g, jsonify

from ..core.errors import register_error_handlers
from .fixity import FixityService


def result_dump(result):
    """JSON of a :class:`~.fixity.FixityResult`."""
    return {
        "file_id": result.file_id,
        "uri": result.uri,
        "checksum": result.checksum,
        "size": result.size,
        "status": result.status,
        "checked_at": result.checked_at.isoformat() if result.checked_at else None,
        "uses": [
            {
                "bucket_id": use.bucket_id,
                "key": use.key,
                "version_id": use.version_id,
                "record_id": use.record_id,
                "pid": use.pid,
            }
            for use in result.uses
        ],
    }


def fixity_report():
    """Every failed file with where it is used, oldest check first."""
    results = FixityService().report(g.identity)
    hits = [result_dump(result) for result in results]
    return jsonify({"hits": {"total": len(hits), "hits": hits}}), 200


def create_blueprint(app):
    """Blueprint of the fixity report."""
    blueprint = Blueprint("cap_files_fixity", __name__)
    blueprint.add_url_rule("/admin/fixity", "fixity_report", fixity_report, methods=["GET"])
    register_error_handlers(blueprint)
    return blueprint
