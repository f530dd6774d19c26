"""The search extension: settings."""

from . import config


class CAPSearch:
    """Discovery settings (query fields, suggestions, reindexing)."""

    def __init__(self, app=None):
        """Initialise when given an app."""
        if app:
            self.init_app(app)

    def init_app(self, app):
        """Copy defaults and register."""
        for name in dir(config):
            if name.startswith("CAP_SEARCH_"):
                app.config.setdefault(name, getattr(config, name))
        app.extensions["cap-search"] = self
