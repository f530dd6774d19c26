"""``POST /records/<recid>/actions/zenodo`` and ``GET /services/zenodo/record/<id>``."""

from flask import Blueprint, g

from ..core.errors import InvalidRequestError, field_error, register_error_handlers
from ..records.resources.http import answer, parse_json_body
from ..records.resources.serializers import serialize_full
from .proxies import current_zenodo_service


def publish(recid):
    """Publish the record to Zenodo; body ``{"files": [names]}`` optional (all files)."""
    body = parse_json_body(required=False) or {}
    if not isinstance(body, dict):
        message = 'Send a JSON object {"files": [names]}, or nothing.'
        raise InvalidRequestError(message, [field_error([], message)])
    item = current_zenodo_service.publish(g.identity, recid, files=body.get("files"))
    return answer(serialize_full(item), status=202, revision=item.revision)


def record(zenodo_id):
    """A Zenodo record, as Zenodo answers it."""
    return answer(current_zenodo_service.record(g.identity, zenodo_id))


def create_blueprint(app):
    """Blueprint of the Zenodo endpoints."""
    blueprint = Blueprint("cap_zenodo", __name__)
    rule = blueprint.add_url_rule
    rule("/records/<recid>/actions/zenodo", "publish", publish, methods=["POST"])
    rule("/services/zenodo/record/<zenodo_id>", "record", record, methods=["GET"])
    register_error_handlers(blueprint)
    return blueprint
