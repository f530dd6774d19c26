"""Proxy to the package service."""

from flask import current_app
from werkzeug.local import LocalProxy

current_package_service = LocalProxy(
    lambda: current_app.extensions["cap-packages"].package_service
)
"""The package service (export and import)."""
