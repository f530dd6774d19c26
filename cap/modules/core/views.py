"""Health endpoint of the REST API."""

from flask import Blueprint, jsonify
from invenio_app import limiter

from .errors import register_error_handlers
from .health import check_all


def ping():
    """Answer 200 with every component's state, or 503 when one is down."""
    components = check_all()
    is_up = all(state["status"] == "up" for state in components.values())
    body = {
        "status": "up" if is_up else "down",
        # The detail names internal addresses: keep it for the CLI and logs.
        "components": {name: state["status"] for name, state in components.items()},
    }
    return jsonify(body), 200 if is_up else 503


def create_blueprint(app):
    """Blueprint of the core API endpoints."""
    blueprint = Blueprint("cap_core", __name__)
    # Load balancers and Kubernetes probes call it several times a second from
    # one address: a guest's rate limit would take every instance out.
    blueprint.add_url_rule("/ping", "ping", limiter.exempt(ping), methods=["GET"])
    register_error_handlers(blueprint)
    return blueprint
