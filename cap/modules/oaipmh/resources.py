"""``POST /records/<recid>/actions/public``: a record's admins open or close it."""

from flask import Blueprint, g

from ..core.errors import InvalidRequestError, field_error, register_error_handlers
from ..records.resources.http import answer, parse_json_body
from ..records.resources.serializers import serialize_full
from .proxies import current_oaipmh_service


def set_public(recid):
    """Open (``{"public": true}``) or close (``false``) the record to the world:
    OAI-PMH harvests it and its page shows its citation to anyone."""
    body = parse_json_body()
    if not isinstance(body, dict) or "public" not in body:
        message = 'Send {"public": true} or {"public": false}.'
        raise InvalidRequestError(message, [field_error(["public"], message)])
    item = current_oaipmh_service.set_public(g.identity, recid, body["public"])
    return answer(serialize_full(item), revision=item.revision)


def create_blueprint(app):
    """Blueprint of the record's public flag."""
    blueprint = Blueprint("cap_oaipmh_api", __name__)
    blueprint.add_url_rule("/records/<recid>/actions/public", "set_public", set_public,
                           methods=["POST"])
    register_error_handlers(blueprint)
    return blueprint
