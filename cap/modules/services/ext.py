"""The services extension: settings and the ORCID/ROR clients."""

from . import config
from .orcid import ORCIDClient
from .ror import RORClient
from .status import StatusStore


class CAPServices:
    """Holds the look-up clients and the status store (see ``proxies``)."""

    def __init__(self, app=None):
        """Initialise when given an app."""
        if app:
            self.init_app(app)

    def init_app(self, app):
        """Copy defaults and register; clients are built on first use."""
        for name in dir(config):
            if name.startswith(("CAP_ORCID_", "CAP_ROR_", "CAP_SERVICES_")):
                app.config.setdefault(name, getattr(config, name))
        self._app = app
        self._orcid = self._ror = self._status = None
        app.extensions["cap-services"] = self

    @property
    def orcid(self):
        """The :class:`ORCIDClient` of the app's settings."""
        if self._orcid is None:
            self._orcid = ORCIDClient.from_config(self._app.config)
        return self._orcid

    @property
    def ror(self):
        """The :class:`RORClient` of the app's settings."""
        if self._ror is None:
            self._ror = RORClient.from_config(self._app.config)
        return self._ror

    @property
    def status(self):
        """The :class:`StatusStore` of the app's settings."""
        if self._status is None:
            self._status = StatusStore.from_config(self._app.config)
        return self._status
