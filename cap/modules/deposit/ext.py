"""The deposit extension: config defaults, the service, the index hook."""

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
        before_record_index.connect(add_search_fields, weak=False)
        app.extensions["cap-deposit"] = self
