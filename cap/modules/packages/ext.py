"""The packages extension: settings and the package service."""

from . import config
from .service import PackageService


class CAPPackages:
    """BagIt + RO-Crate packages of published records."""

    def __init__(self, app=None):
        """Initialise when given an app."""
        if app:
            self.init_app(app)

    def init_app(self, app):
        """Copy the defaults, build the service, register."""
        for name in dir(config):
            if name.startswith("CAP_PACKAGES_"):
                app.config.setdefault(name, getattr(config, name))
        self.package_service = PackageService()
        app.extensions["cap-packages"] = self
