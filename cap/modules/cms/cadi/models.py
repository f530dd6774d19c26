"""Tables of the CADI module.

``cap_cadi_analysis`` is the database-level guard of the sync: one row per
CADI id (primary key), naming the draft that holds it, so two syncs, even
concurrent ones, never create two drafts of one analysis.
``cap_cadi_sync_run`` records each sync: when, how it ended, its summary
(the last successful run is where the next incremental sync starts).
"""

from datetime import UTC, datetime

from invenio_db import db
from sqlalchemy.dialects import postgresql
from sqlalchemy_utils.types import UUIDType


def _now():
    return datetime.now(UTC).replace(tzinfo=None)


class CadiAnalysis(db.Model):
    """A CADI id and the draft that holds it."""

    __tablename__ = "cap_cadi_analysis"

    cadi_id = db.Column(db.String(32), primary_key=True)
    deposit_uuid = db.Column(UUIDType, nullable=False, unique=True)
    depid = db.Column(db.String(64), nullable=False)
    created = db.Column(db.DateTime, nullable=False, default=_now)
    updated = db.Column(db.DateTime, nullable=False, default=_now, onupdate=_now)


class CadiSyncRun(db.Model):
    """One run of the CADI sync."""

    __tablename__ = "cap_cadi_sync_run"

    id = db.Column(db.Integer, primary_key=True, autoincrement=True)
    started = db.Column(db.DateTime, nullable=False, default=_now)
    finished = db.Column(db.DateTime, nullable=True)
    source = db.Column(db.String(255), nullable=False, default="cadi")
    since = db.Column(db.String(32), nullable=True)
    status = db.Column(db.String(16), nullable=False, default="running")
    """``running``, ``success`` or ``failed`` (upstream down: nothing was read)."""
    summary = db.Column(
        db.JSON().with_variant(postgresql.JSONB(none_as_null=True), "postgresql"),
        nullable=True,
    )
    error = db.Column(db.Text, nullable=True)
