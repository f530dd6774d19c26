"""The records extension: builds the read service."""

from .services.service import RecordService


class CAPRecords:
    """Published records."""

    def __init__(self, app=None):
        """Initialise when given an app."""
        if app:
            self.init_app(app)

    def init_app(self, app):
        """Build the service and register the extension."""
        self.record_service = RecordService()
        app.extensions["cap-records"] = self
