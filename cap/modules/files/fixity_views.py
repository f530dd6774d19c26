"""The fixity report for superusers.

- ``GET /admin/fixity``: the files whose last fixity check failed;
- ``POST /admin/fixity/<file_id>/verify``: re-read one file now, its result.
"""

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


def verify_file(file_id):
    """Check one file again (after a repair, say); the outcome either way."""
    return jsonify(result_dump(FixityService().verify_file(g.identity, file_id))), 200


def create_blueprint(app):
    """Blueprint of the fixity report."""
    blueprint = Blueprint("cap_files_fixity", __name__)
    blueprint.add_url_rule("/admin/fixity", "fixity_report", fixity_report, methods=["GET"])
    blueprint.add_url_rule("/admin/fixity/<uuid:file_id>/verify", "verify_file", verify_file,
                           methods=["POST"])
    register_error_handlers(blueprint)
    return blueprint
