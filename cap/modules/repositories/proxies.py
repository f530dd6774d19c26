"""Proxy to the repositories service."""

from flask import current_app
from werkzeug.local import LocalProxy

current_repositories_service = LocalProxy(
    lambda: current_app.extensions["cap-repositories"].service
)
"""The :class:`~.service.RepositoriesService` of the app."""
