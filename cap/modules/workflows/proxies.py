"""Proxies to the workflows service and the REANA client of the current app."""

from flask import current_app
from werkzeug.local import LocalProxy

current_workflow_service = LocalProxy(lambda: current_app.extensions["cap-workflows"].service)
"""The :class:`~cap.modules.workflows.service.WorkflowService` of the app."""

current_reana_client = LocalProxy(lambda: current_app.extensions["cap-workflows"].client)
"""The :class:`~cap.modules.workflows.client.ReanaClient` of the app."""
