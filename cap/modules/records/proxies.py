"""Proxies to the records service."""

from flask import current_app
from werkzeug.local import LocalProxy

current_record_service = LocalProxy(
    lambda: current_app.extensions["cap-records"].record_service
)
"""The published records service."""

current_export_formats = LocalProxy(
    lambda: current_app.extensions["cap-records"].export_formats
)
"""The extra formats of a record (entry points ``cap.records.exports``)."""
