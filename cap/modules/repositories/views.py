"""HTTP of repositories: parse, one service call, answer.

- ``POST /deposits/<pid>/actions/upload``: attach (legacy body ``{url, webhook, event_type}``);
- ``POST /deposits/<pid>/actions/create_repository``: ``{name}`` of a schema template;
- ``POST /deposits/<pid>/actions/disconnect_webhook``: ``{url, event_type}``;
- ``GET /deposits/<pid>/repositories``, and ``GET /deposits/<pid>`` with
  ``Accept: application/repositories+json`` (cap-client's ``repositories get``);
- ``POST /repos/event``: deliveries from GitHub and GitLab (signed, no login).
"""

from flask import Blueprint, g, request

from ..core.errors import register_error_handlers
from ..records.resources.http import answer, negotiate, parse_json_body
from ..records.resources.serializers import JSON
from .proxies import current_repositories_service

REPOSITORIES = "application/repositories+json"
MIMETYPES = [JSON, REPOSITORIES]


def repositories_answer(identity, pid):
    """The draft's repositories (the deposit resource answers ``REPOSITORIES`` with this)."""
    return current_repositories_service.repositories(identity, pid)


repositories_answer.mimetype = REPOSITORIES


def upload(pid):
    """Attach a repository (or a file of it) at a ref; maybe subscribe to its events."""
    body = current_repositories_service.attach(g.identity, pid, parse_json_body())
    return answer(body, 201, mimetype=negotiate(MIMETYPES))


def create_repository(pid):
    """Create the repository of a schema template and connect the draft to it."""
    body = current_repositories_service.create_repository(g.identity, pid, parse_json_body())
    return answer(body, 201, mimetype=negotiate(MIMETYPES))


def disconnect_webhook(pid):
    """Unsubscribe the draft from a hook."""
    body = current_repositories_service.disconnect(g.identity, pid, parse_json_body())
    return answer(body, mimetype=negotiate(MIMETYPES))


def repositories(pid):
    """The draft's snapshots and hooks."""
    return answer(current_repositories_service.repositories(g.identity, pid),
                  mimetype=negotiate(MIMETYPES))


def event():
    """A delivery from a git host; its signature is its authentication."""
    body, status = current_repositories_service.receive(dict(request.headers),
                                                        request.get_data(cache=True))
    return answer(body, status)


def create_blueprint(app):
    """Blueprint of the repositories routes (static action names win over ``<action>``)."""
    blueprint = Blueprint("cap_repositories", __name__)
    rule = blueprint.add_url_rule
    rule("/deposits/<pid>/actions/upload", "upload", upload, methods=["POST"])
    rule("/deposits/<pid>/actions/create_repository", "create_repository", create_repository,
         methods=["POST"])
    rule("/deposits/<pid>/actions/disconnect_webhook", "disconnect_webhook",
         disconnect_webhook, methods=["POST"])
    rule("/deposits/<pid>/repositories", "repositories", repositories, methods=["GET"])
    rule("/repos/event", "event", event, methods=["POST"])
    register_error_handlers(blueprint)
    return blueprint
