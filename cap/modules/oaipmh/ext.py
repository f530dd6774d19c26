"""The OAI-PMH extension: configuration defaults and the service."""

from . import config
from .service import OAIPMHService


class CAPOAIPMH:
    """OAI-PMH data provider."""

    def __init__(self, app=None):
        """Initialise when given an app."""
        if app:
            self.init_app(app)

    def init_app(self, app):
        """Set the ``CAP_OAIPMH_*`` defaults, build the service."""
        for name in dir(config):
            if name.startswith("CAP_OAIPMH_"):
                app.config.setdefault(name, getattr(config, name))
        self.service = OAIPMHService()
        app.extensions["cap-oaipmh"] = self
