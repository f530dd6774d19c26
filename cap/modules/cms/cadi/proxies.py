"""Proxies to the CADI client of the current app."""

from flask import current_app
from werkzeug.local import LocalProxy

current_cadi_client = LocalProxy(lambda: current_app.extensions["cap-cadi"].client)
"""The :class:`~cap.modules.cms.cadi.client.CadiClient` of the app."""
