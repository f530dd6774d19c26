"""The triggers extension: settings and the search service."""

from . import config
from .service import TriggerService


class CAPTriggers:
    """CMS triggers (``current_trigger_service``)."""

    def __init__(self, app=None):
        """Initialise when given an app."""
        if app:
            self.init_app(app)

    def init_app(self, app):
        """Copy ``CAP_TRIGGERS_*`` defaults and build the service."""
        for name in dir(config):
            if name.startswith("CAP_TRIGGERS_"):
                app.config.setdefault(name, getattr(config, name))
        self.service = TriggerService()
        app.extensions["cap-cms-triggers"] = self
