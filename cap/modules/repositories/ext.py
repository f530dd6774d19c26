"""The repositories extension: config defaults and the service."""

from . import config
from .service import RepositoriesService


class CAPRepositories:
    """Code repositories (UI and API apps: tasks and commands need the service too)."""

    def __init__(self, app=None):
        """Initialise when given an app."""
        if app:
            self.init_app(app)

    def init_app(self, app):
        """Copy defaults, build the service."""
        for key in dir(config):
            if key.startswith("CAP_REPOSITORIES_"):
                app.config.setdefault(key, getattr(config, key))
        self.service = RepositoriesService()
        app.extensions["cap-repositories"] = self
