"""Proxy to the trigger service of the current app."""

from flask import current_app
from werkzeug.local import LocalProxy

current_trigger_service = LocalProxy(lambda: current_app.extensions["cap-cms-triggers"].service)
"""The :class:`~cap.modules.cms.triggers.service.TriggerService` of the app."""
