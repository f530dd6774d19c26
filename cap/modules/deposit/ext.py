"""The deposit extension: config defaults, the service, the save validators."""

from importlib.metadata import entry_points

from . import config
from .services.service import DepositService


class CAPDeposit:
    """Drafts."""

    def __init__(self, app=None):
        """Initialise when given an app."""
        if app:
            self.init_app(app)

    def init_app(self, app):
        """Copy defaults, build the service, load the save validators."""
        for key in dir(config):
            if key.startswith("CAP_"):
                app.config.setdefault(key, getattr(config, key))
        self.deposit_service = DepositService()
        # Extra checks on save: callables (schema, metadata, deposit=None) -> field errors.
        self.validators = [
            entry_point.load() for entry_point in entry_points(group="cap.deposit.validators")
        ]
        # Other formats of one draft: callables (identity, pid) -> body, by their ``mimetype``.
        self.answers = {
            answer.mimetype: answer
            for answer in (ep.load() for ep in entry_points(group="cap.deposit.answers"))
        }
        app.extensions["cap-deposit"] = self
