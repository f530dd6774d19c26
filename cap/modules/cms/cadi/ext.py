"""The CADI extension: settings and the client (built on first use)."""

from . import config
from .client import CadiClient


class CAPCadi:
    """Holds the CADI client (``current_cadi_client``)."""

    def __init__(self, app=None):
        """Initialise when given an app."""
        if app:
            self.init_app(app)

    def init_app(self, app):
        """Copy defaults and register."""
        for name in dir(config):
            if name.startswith("CAP_CADI_"):
                app.config.setdefault(name, getattr(config, name))
        self._app = app
        self._client = None
        app.extensions["cap-cadi"] = self

    @property
    def client(self):
        """The :class:`CadiClient` built from the app's settings."""
        if self._client is None:
            self._client = CadiClient.from_config(self._app.config)
        return self._client
