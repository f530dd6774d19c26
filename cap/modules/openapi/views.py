"""``GET /openapi.json``: the description of this API (public: it holds no data)."""

from flask import Blueprint, current_app, jsonify, request

from ..core.errors import register_error_handlers
from .spec import build_spec


def spec():
    """The OpenAPI 3.1 description of every endpoint of this API."""
    return jsonify(build_spec(current_app, request.script_root or "/")), 200


def create_blueprint(app):
    """Blueprint of the description."""
    blueprint = Blueprint("cap_openapi", __name__)
    blueprint.add_url_rule("/openapi.json", "spec", spec, methods=["GET"])
    register_error_handlers(blueprint)
    return blueprint
