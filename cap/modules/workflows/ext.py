"""The workflows extension: settings, the REANA client and the service."""

from . import config
from .client import ReanaClient
from .service import WorkflowService


class CAPWorkflows:
    """Holds the REANA client and the workflow service."""

    def __init__(self, app=None):
        """Initialise when given an app."""
        if app:
            self.init_app(app)

    def init_app(self, app):
        """Copy defaults and register."""
        for name in dir(config):
            if name.startswith(("CAP_REANA_", "CAP_WORKFLOWS_")):
                app.config.setdefault(name, getattr(config, name))
        self._app = app
        self._client = None
        self.service = WorkflowService()
        app.extensions["cap-workflows"] = self

    @property
    def client(self):
        """The :class:`ReanaClient` built from the app's settings (on first use)."""
        if self._client is None:
            self._client = ReanaClient.from_config(self._app.config)
        return self._client
