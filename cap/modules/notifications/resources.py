"""HTTP views of notifications: parse, one service call with ``g.identity``, answer.

- ``GET /deposits/<pid>/notifications``: the deposit's trail (its readers);
- ``GET /notifications/failed``: every message that could not be sent (admins);
- ``GET|PUT /jsonschemas/<name>/notifications``: a schema's rules (its admins).
"""

from flask import Blueprint, g

from ..core.db import read_only
from ..core.errors import register_error_handlers
from ..records.resources.http import answer, parse_json_body
from .proxies import current_notification_service


@read_only
def deposit_notifications(pid):
    """GET /deposits/<pid>/notifications."""
    hits = current_notification_service.list_for_deposit(g.identity, pid)
    return answer({"hits": {"hits": hits, "total": len(hits)}})


@read_only
def failed_notifications():
    """GET /notifications/failed."""
    hits = current_notification_service.list_failed(g.identity)
    return answer({"hits": {"hits": hits, "total": len(hits)}})


@read_only
def read_rules(name):
    """GET /jsonschemas/<name>/notifications."""
    return answer(current_notification_service.read_rules(g.identity, name))


def update_rules(name):
    """PUT /jsonschemas/<name>/notifications."""
    return answer(current_notification_service.update_rules(g.identity, name, parse_json_body()))


def create_blueprint(app):
    """Blueprint of the notification endpoints."""
    blueprint = Blueprint("cap_notifications", __name__)
    rule = blueprint.add_url_rule
    rule("/deposits/<pid>/notifications", "deposit", deposit_notifications, methods=["GET"])
    rule("/notifications/failed", "failed", failed_notifications, methods=["GET"])
    rule("/jsonschemas/<name>/notifications", "rules", read_rules, methods=["GET"])
    rule("/jsonschemas/<name>/notifications", "update_rules", update_rules, methods=["PUT"])
    register_error_handlers(blueprint)
    return blueprint
