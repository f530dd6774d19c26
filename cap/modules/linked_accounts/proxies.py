"""Proxy to the linked accounts service."""

from flask import current_app
from werkzeug.local import LocalProxy

current_linked_accounts_service = LocalProxy(
    lambda: current_app.extensions["cap-linked-accounts"].service)
"""The linked accounts service."""
