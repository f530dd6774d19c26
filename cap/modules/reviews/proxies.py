"""Proxies to the reviews service."""

from flask import current_app
from werkzeug.local import LocalProxy

current_review_service = LocalProxy(lambda: current_app.extensions["cap-reviews"].review_service)
"""The reviews service."""
