"""The directory extension: settings and the client."""

from . import config
from .client import DirectoryClient


class CAPDirectory:
    """Holds the directory client (``current_directory``)."""

    def __init__(self, app=None):
        """Initialise when given an app."""
        if app:
            self.init_app(app)

    def init_app(self, app):
        """Copy defaults and register; the client is built on first use."""
        for name in dir(config):
            if name.startswith("CAP_DIRECTORY_"):
                app.config.setdefault(name, getattr(config, name))
        self._app = app
        self._client = None
        app.extensions["cap-directory"] = self

    @property
    def client(self):
        """The :class:`DirectoryClient` built from the app's settings."""
        if self._client is None:
            self._client = DirectoryClient.from_config(self._app.config)
        return self._client
