"""``GET /cms/keywords?query=&size=&category=``: analysis keyword suggestions."""

from flask import Blueprint, g, jsonify, request

from ..core.errors import register_error_handlers
from . import service


def keywords():
    """Keywords matching ``query`` (prefix on words), CMS members only."""
    args = request.args
    body = service.search(
        g.identity, args.get("query"), size=args.get("size"), category=args.get("category")
    )
    return jsonify(body), 200


def create_blueprint(app):
    """Blueprint of the keywords endpoint."""
    blueprint = Blueprint("cap_keywords", __name__)
    blueprint.add_url_rule("/cms/keywords", "search", keywords, methods=["GET"])
    register_error_handlers(blueprint)
    return blueprint
