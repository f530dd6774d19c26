"""``PUT /file-tags/<bucket_id>/<key>``: replace the tags of an uploaded file.

Its own prefix: under ``/files/<bucket_id>/`` every path is a file key of
invenio-files-rest's object route, so ``.../<key>/tags`` would be an upload.
Body ``{"tags": {"key": "value", ...}}``; answers the file entry.
"""

from flask import Blueprint, g, jsonify

from ..core.errors import register_error_handlers
from ..records.resources.http import parse_json_body
from .tags import update_tags


def put_tags(bucket_id, key):
    """Replace the tags of the head version of ``key``."""
    body = parse_json_body()
    tags = body.get("tags") if isinstance(body, dict) else None
    return jsonify(update_tags(g.identity, bucket_id, key, tags)), 200


def create_blueprint(app):
    """Blueprint of the file tag endpoint."""
    blueprint = Blueprint("cap_file_tags", __name__)
    blueprint.add_url_rule("/file-tags/<bucket_id>/<path:key>", "tags", put_tags,
                           methods=["PUT"])
    register_error_handlers(blueprint)
    return blueprint
