"""Proxies to the schemas extension's objects."""

from flask import current_app
from werkzeug.local import LocalProxy

current_schemas = LocalProxy(lambda: current_app.extensions["cap-schemas"])
"""The schemas extension."""

current_schemas_service = LocalProxy(lambda: current_app.extensions["cap-schemas"].service)
"""The schemas service."""
