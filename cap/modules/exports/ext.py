"""The exports extension: its configuration defaults."""

from . import config


class CAPExports:
    """Citation exports of records."""

    def __init__(self, app=None):
        """Initialise when given an app."""
        if app:
            self.init_app(app)

    def init_app(self, app):
        """Set the ``CAP_EXPORTS_*`` defaults and register the extension."""
        for name in dir(config):
            if name.startswith("CAP_EXPORTS_"):
                app.config.setdefault(name, getattr(config, name))
        app.extensions["cap-exports"] = self
