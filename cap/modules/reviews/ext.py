"""The reviews extension: config defaults, the service, the index hook."""

from invenio_indexer.signals import before_record_index

from . import config
from .indexing import add_review_status
from .service import ReviewService


class CAPReviews:
    """Reviews and approval."""

    def __init__(self, app=None):
        """Initialise when given an app."""
        if app:
            self.init_app(app)

    def init_app(self, app):
        """Copy defaults, build the service, connect the index hook."""
        for key in dir(config):
            if key.startswith("CAP_"):
                app.config.setdefault(key, getattr(config, key))
        self.review_service = ReviewService()
        before_record_index.connect(add_review_status, weak=False)
        app.extensions["cap-reviews"] = self
