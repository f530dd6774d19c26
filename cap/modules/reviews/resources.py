"""HTTP views of reviews: ``POST /deposits/<pid>/actions/review`` and
``POST /records/<recid>/actions/review``, the legacy contract.

Body: ``{"type": "approved"|"request_changes"|"declined", "body"}`` adds a
review (201); ``{"id", "action": "comment"|"resolve"|"delete", "body"}``
acts on one (200). The answer is the document with its ``review`` list.
"""

from flask import Blueprint, g

from ..core.errors import register_error_handlers
from ..deposit.resources.resource import item_answer
from ..records.resources.http import answer, parse_json_body
from ..records.resources.serializers import serialize_full
from .proxies import current_review_service


def _status(body):
    return 200 if isinstance(body, dict) and "id" in body else 201


def review_deposit(pid):
    """POST /deposits/<pid>/actions/review."""
    body = parse_json_body()
    item = current_review_service.review(g.identity, "deposit", pid, body)
    return item_answer(item, _status(body))


def review_record(recid):
    """POST /records/<recid>/actions/review."""
    body = parse_json_body()
    item = current_review_service.review(g.identity, "record", recid, body)
    return answer(serialize_full(item), _status(body), revision=item.revision)


def create_blueprint(app):
    """Blueprint of the review actions (more specific than ``actions/<action>``)."""
    blueprint = Blueprint("cap_reviews", __name__)
    blueprint.add_url_rule("/deposits/<pid>/actions/review", "review_deposit",
                           review_deposit, methods=["POST"])
    blueprint.add_url_rule("/records/<recid>/actions/review", "review_record",
                           review_record, methods=["POST"])
    register_error_handlers(blueprint)
    return blueprint
