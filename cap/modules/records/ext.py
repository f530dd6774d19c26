"""The records extension: the read service, and the index hook of drafts and records."""

from importlib.metadata import entry_points

from invenio_indexer.signals import before_record_index

from .indexer import add_search_fields
from .services.service import RecordService


class CAPRecords:
    """Published records."""

    def __init__(self, app=None):
        """Initialise when given an app."""
        if app:
            self.init_app(app)

    def init_app(self, app):
        """Build the service, connect the index hook, register the extension."""
        self.record_service = RecordService()
        # More answers of GET /records/<recid> (citation exports): objects with
        # ``name`` (``?format=``), ``mimetype`` and ``serialize(item) -> str``.
        self.export_formats = [
            entry_point.load() for entry_point in entry_points(group="cap.records.exports")
        ]
        before_record_index.connect(add_search_fields, weak=False)
        app.extensions["cap-records"] = self
