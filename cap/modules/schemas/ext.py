"""The schemas extension: configuration, the service and the validator cache."""

from . import config
from .service import SchemaService
from .validation import ValidatorCache


class CAPSchemas:
    """Schemas on the UI and API apps."""

    def __init__(self, app=None):
        """Initialise when given an app."""
        if app:
            self.init_app(app)

    def init_app(self, app):
        """Copy the defaults, build the service and register the extension."""
        for name in dir(config):
            if name.startswith("CAP_SCHEMAS_"):
                app.config.setdefault(name, getattr(config, name))
        self.service = SchemaService()
        self.validators = ValidatorCache(app.config["CAP_SCHEMAS_VALIDATOR_CACHE_SIZE"])
        app.extensions["cap-schemas"] = self
