"""Proxies to the notifications extension's objects."""

from flask import current_app
from werkzeug.local import LocalProxy

current_notification_service = LocalProxy(
    lambda: current_app.extensions["cap-notifications"].service
)
"""The notifications service."""
