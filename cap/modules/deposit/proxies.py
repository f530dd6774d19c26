"""Proxies to the deposit service."""

from flask import current_app
from werkzeug.local import LocalProxy

current_deposit_service = LocalProxy(
    lambda: current_app.extensions["cap-deposit"].deposit_service
)
"""The drafts service."""
