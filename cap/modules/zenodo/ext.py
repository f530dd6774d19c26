"""The Zenodo extension: configuration defaults and the service."""

from . import config
from .service import ZenodoService


class CAPZenodo:
    """Zenodo publishing and look-ups."""

    def __init__(self, app=None):
        """Initialise when given an app."""
        if app:
            self.init_app(app)

    def init_app(self, app):
        """Set the ``CAP_ZENODO_*`` defaults, build the service."""
        for name in dir(config):
            if name.startswith("CAP_ZENODO_"):
                app.config.setdefault(name, getattr(config, name))
        self.service = ZenodoService()
        app.extensions["cap-zenodo"] = self
