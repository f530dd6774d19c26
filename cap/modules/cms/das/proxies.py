"""Proxy to the dataset service of the current app."""

from flask import current_app
from werkzeug.local import LocalProxy

current_dataset_service = LocalProxy(lambda: current_app.extensions["cap-cms-das"].service)
"""The :class:`~cap.modules.cms.das.service.DatasetService` of the app."""
