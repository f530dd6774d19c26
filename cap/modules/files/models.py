"""Tables of the files module."""

from invenio_db import db
from sqlalchemy_utils import UUIDType


class FixityAlert(db.Model):
    """The last failed check of a file that admins were alerted about."""

    __tablename__ = "cap_files_fixity_alerts"

    file_id = db.Column(
        UUIDType, db.ForeignKey("files_files.id", ondelete="CASCADE"), primary_key=True
    )
    checked_at = db.Column(db.UTCDateTime, nullable=False)
    """``last_check_at`` of the failed check the alert was about."""
