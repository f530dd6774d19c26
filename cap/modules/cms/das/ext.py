"""The DAS datasets extension: settings and the search service."""

from . import config
from .service import DatasetService


class CAPDAS:
    """CMS datasets (``current_dataset_service``)."""

    def __init__(self, app=None):
        """Initialise when given an app."""
        if app:
            self.init_app(app)

    def init_app(self, app):
        """Copy ``CAP_DAS_*`` defaults and build the service."""
        for name in dir(config):
            if name.startswith("CAP_DAS_"):
                app.config.setdefault(name, getattr(config, name))
        self.service = DatasetService()
        app.extensions["cap-cms-das"] = self
