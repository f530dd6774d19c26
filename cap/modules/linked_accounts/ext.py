"""The linked accounts extension: config defaults, the remote apps' client settings."""

from . import config
from .providers import PROVIDERS
from .remotes import app_key
from .service import LinkedAccountsService


class CAPLinkedAccounts:
    """Linked accounts (UI app: the OAuth dance; API app: list, disconnect, tokens)."""

    def __init__(self, app=None):
        """Initialise when given an app."""
        if app:
            self.init_app(app)

    def init_app(self, app):
        """Copy defaults; fill ``CAP_LINKED_<NAME>_CLIENT``, which the remote apps read."""
        for key in dir(config):
            if key.startswith("CAP_LINKED_"):
                app.config.setdefault(key, getattr(config, key))
        for name, settings in app.config["CAP_LINKED_ACCOUNTS"].items():
            provider = PROVIDERS[settings["kind"]](name, settings)
            app.config[app_key(name)] = provider.client_config()
        self.service = LinkedAccountsService()
        app.extensions["cap-linked-accounts"] = self
