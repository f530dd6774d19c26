"""``GET /suggest?field=&q=&type=&size=``: prefix suggestions (login required)."""

from flask import Blueprint, g, jsonify, request

from ..core.db import read_only
from ..core.errors import register_error_handlers
from .suggest import suggest


@read_only
def suggestions():
    """Values of ``field`` starting with ``q`` in what the caller may read."""
    args = request.args
    body = suggest(
        g.identity, args.get("field"), args.get("q"),
        schema_name=args.get("type") or None, size=args.get("size"),
    )
    return jsonify(body), 200


def create_blueprint(app):
    """Blueprint of the suggestion endpoint."""
    blueprint = Blueprint("cap_search", __name__)
    blueprint.add_url_rule("/suggest", "suggest", suggestions, methods=["GET"])
    register_error_handlers(blueprint)
    return blueprint
