"""``POST /services/latex``: ``{paths, title}`` -> ``{latex}`` (login required)."""

from flask import Blueprint, g, jsonify, request

from ..access.generators import AuthenticatedUser
from ..access.policies import PermissionPolicy
from ..core.errors import InvalidRequestError, register_error_handlers
from .latex import dataset_table


class ExportPermissionPolicy(PermissionPolicy):
    """Any logged-in user may format their own input."""

    can_latex = [AuthenticatedUser()]


def latex():
    """A LaTeX table of the dataset paths in the body."""
    ExportPermissionPolicy("latex").require(g.identity)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidRequestError("Send a JSON object {paths, title}.")
    return jsonify({"latex": dataset_table(body.get("paths"), body.get("title"))}), 200


def create_blueprint(app):
    """Blueprint of the export endpoints."""
    blueprint = Blueprint("cap_exports", __name__)
    blueprint.add_url_rule("/services/latex", "latex", latex, methods=["POST"])
    register_error_handlers(blueprint)
    return blueprint
