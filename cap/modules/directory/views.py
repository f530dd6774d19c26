"""Directory look-ups for forms: ``/services/ldap/<user|egroup>/mail?query=``."""

from flask import Blueprint, g, jsonify, request

from ..access.generators import identity_user_id
from ..core.errors import PermissionDeniedError, register_error_handlers
from .proxies import current_directory


def _require_login():
    if identity_user_id(g.identity) is None:
        raise PermissionDeniedError()  # anonymous: the error map answers 401


def users_by_mail():
    """People whose address starts with ``query``: ``[{email, display_name, department}]``."""
    _require_login()
    return jsonify(current_directory.search_users(request.args.get("query", ""))), 200


def egroups_by_mail():
    """E-groups whose name or address starts with ``query``: ``[{name, email, description}]``."""
    _require_login()
    return jsonify(current_directory.search_egroups(request.args.get("query", ""))), 200


def create_blueprint(app):
    """Blueprint of the directory endpoints."""
    blueprint = Blueprint("cap_directory", __name__)
    blueprint.add_url_rule("/services/ldap/user/mail", "users", users_by_mail)
    blueprint.add_url_rule("/services/ldap/egroup/mail", "egroups", egroups_by_mail)
    register_error_handlers(blueprint)
    return blueprint
