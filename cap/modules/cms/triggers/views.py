"""``/cms/triggers?query=&dataset=&year=``: a thin view."""

from flask import Blueprint, g, jsonify, request

from ...core.errors import register_error_handlers
from .proxies import current_trigger_service


def triggers():
    """HLT paths matching ``query`` for a dataset and year."""
    return jsonify(current_trigger_service.search(g.identity, request.args)), 200


def create_blueprint(app):
    """Blueprint of the trigger endpoint."""
    blueprint = Blueprint("cap_cms_triggers", __name__)
    blueprint.add_url_rule("/cms/triggers", "triggers", triggers)
    register_error_handlers(blueprint)
    return blueprint
