"""Proxy to the Zenodo service."""

from flask import current_app
from werkzeug.local import LocalProxy

current_zenodo_service = LocalProxy(lambda: current_app.extensions["cap-zenodo"].service)
"""The Zenodo service."""
