"""Proxy to the OAI-PMH service."""

from flask import current_app
from werkzeug.local import LocalProxy

current_oaipmh_service = LocalProxy(lambda: current_app.extensions["cap-oaipmh"].service)
"""The OAI-PMH service."""
