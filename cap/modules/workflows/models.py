"""Tables of the workflows module.

``cap_workflow`` is one REANA run of a deposit's workflow: its REANA id,
its run number (per draft and workflow name), the specification and parameters it was
started with, its last known status, and the outputs attached back to the
draft. A reproduction (``recid`` set) is a rerun of a published record's
workflow whose outputs are compared with the record's preserved ones
(``comparison``), not attached.
"""

import uuid
from datetime import UTC, datetime

from invenio_db import db
from sqlalchemy.dialects import postgresql
from sqlalchemy_utils.types import UUIDType

JSON = db.JSON().with_variant(postgresql.JSONB(none_as_null=True), "postgresql")

FINAL_STATUSES = ("finished", "failed", "stopped", "deleted")
"""Statuses after which REANA changes nothing (the beat task stops reading them)."""


def _now():
    return datetime.now(UTC).replace(tzinfo=None)


class Workflow(db.Model):
    """One REANA run of a deposit's workflow."""

    __tablename__ = "cap_workflow"

    id = db.Column(UUIDType, primary_key=True, default=uuid.uuid4)
    deposit_uuid = db.Column(UUIDType, nullable=False, index=True)
    depid = db.Column(db.String(64), nullable=False, index=True)
    user_id = db.Column(db.Integer, nullable=True, index=True)
    experiment = db.Column(db.String(32), nullable=True)
    """Whose REANA token runs it (lower-case experiment; ``None``: the default)."""
    name = db.Column(db.String(100), nullable=False)
    reana_id = db.Column(db.String(64), nullable=False, unique=True)
    run_number = db.Column(db.Integer, nullable=False)
    engine = db.Column(db.String(16), nullable=False)
    status = db.Column(db.String(16), nullable=False, default="created")
    specification = db.Column(JSON, nullable=False)
    parameters = db.Column(JSON, nullable=False, default=dict)
    outputs = db.Column(JSON, nullable=True)
    """Files attached to the draft: ``[{key, checksum, size, version_id}]``."""
    cloned_from = db.Column(UUIDType, nullable=True)
    recid = db.Column(db.String(64), nullable=True, index=True)
    comparison = db.Column(JSON, nullable=True)
    """Of a reproduction: ``{reproduced, compared, differences: [...]}``."""
    error = db.Column(db.Text, nullable=True)
    created = db.Column(db.DateTime, nullable=False, default=_now)
    updated = db.Column(db.DateTime, nullable=False, default=_now, onupdate=_now)
    finished = db.Column(db.DateTime, nullable=True)

    @property
    def is_final(self):
        """Whether REANA will not change this run any more."""
        return self.status in FINAL_STATUSES
