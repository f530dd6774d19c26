"""The deposit extension: config defaults, the service, the index hook."""

from importlib.metadata import entry_points

from invenio_indexer.signals import before_record_index

from . import config
from .indexer import add_search_fields
from .services.service import DepositService


class CAPDeposit:
    """Drafts."""

    def __init__(self, app=None):
        """Initialise when given an app."""
        if app:
            self.init_app(app)

    def init_app(self, app):
        """Copy defaults, build the service, connect the index hook."""
        for key in dir(config):
            if key.startswith("CAP_"):
                app.config.setdefault(key, getattr(config, key))
        self.deposit_service = DepositService()
        # Extra checks on save: callables (schema, metadata, deposit=None) -> field errors.
        self.validators = [
            entry_point.load() for entry_point in entry_points(group="cap.deposit.validators")
        ]
        before_record_index.connect(add_search_fields, weak=False)
        app.extensions["cap-deposit"] = self
