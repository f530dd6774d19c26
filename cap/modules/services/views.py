"""``/services/orcid``, ``/services/ror`` and ``/services/status``: thin views."""

from flask import Blueprint, g, jsonify, request

from ..core.errors import register_error_handlers
from .permissions import LookupPermissionPolicy
from .proxies import current_orcid, current_ror, current_status


def _require(action):
    LookupPermissionPolicy(action).require(g.identity)


def orcid_search():
    """People by name: ``[{id, name, given_names, family_name, affiliations, ...}]``."""
    _require("search")
    return jsonify(current_orcid.search(request.args.get("name", ""))), 200


def orcid_get(orcid):
    """One person by ORCID iD."""
    _require("read")
    return jsonify(current_orcid.get(orcid)), 200


def ror_search():
    """Organisations by name: ``[{id, ror, name, acronyms, country, city, ...}]``."""
    _require("search")
    return jsonify(current_ror.search(request.args.get("query", ""))), 200


def ror_get(ror_id):
    """One organisation by ROR id."""
    _require("read")
    return jsonify(current_ror.get(ror_id)), 200


def status():
    """Each external source's last success and failure."""
    _require("status")
    return jsonify(current_status.read()), 200


def create_blueprint(app):
    """Blueprint of the look-up endpoints."""
    blueprint = Blueprint("cap_services", __name__)
    blueprint.add_url_rule("/services/orcid", "orcid_search", orcid_search)
    blueprint.add_url_rule("/services/orcid/<path:orcid>", "orcid_get", orcid_get)
    blueprint.add_url_rule("/services/ror", "ror_search", ror_search)
    blueprint.add_url_rule("/services/ror/<path:ror_id>", "ror_get", ror_get)
    blueprint.add_url_rule("/services/status", "status", status)
    register_error_handlers(blueprint)
    return blueprint
