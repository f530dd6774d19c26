"""The notifications extension: config defaults, the service, the review receiver."""

from . import config
from .receivers import REVIEW_CREATED, on_review_created
from .service import NotificationService


class CAPNotifications:
    """Mail notifications from the schemas' rules."""

    def __init__(self, app=None):
        """Initialise when given an app."""
        if app:
            self.init_app(app)

    def init_app(self, app):
        """Copy defaults, build the service, subscribe to reviews."""
        for key in dir(config):
            if key.startswith("CAP_"):
                app.config.setdefault(key, getattr(config, key))
        self.service = NotificationService()
        # Weak=False: the receiver is a module function, kept for the process.
        REVIEW_CREATED.connect(on_review_created, weak=False)
        app.extensions["cap-notifications"] = self
