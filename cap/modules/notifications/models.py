"""The audit trail of notifications: one row per message, per deposit.

A row is written in the action's own transaction (status ``queued``), so a
rolled-back publish leaves no trace; the send task then marks it ``sent``
or, after its last retry, ``failed`` with the reason (what admins look at).
"""

from datetime import UTC, datetime

from invenio_db import db
from sqlalchemy.dialects import postgresql
from sqlalchemy_utils.types import UUIDType

STATUS_QUEUED = "queued"
STATUS_SENT = "sent"
STATUS_FAILED = "failed"
STATUS_SUPPRESSED = "suppressed"
"""Handed to Flask-Mail while ``MAIL_SUPPRESS_SEND`` is on: nothing left the machine."""


def _now():
    return datetime.now(UTC).replace(tzinfo=None)


class Notification(db.Model):
    """One message a rule produced for a deposit's action."""

    __tablename__ = "cap_notifications"

    id = db.Column(db.Integer, primary_key=True, autoincrement=True)
    depid = db.Column(db.String(64), nullable=False, index=True)
    """The deposit's PID: the trail is per deposit, drafts and records alike."""
    record_id = db.Column(UUIDType, nullable=True)
    """The draft or record the action was on."""
    action = db.Column(db.String(32), nullable=False)
    sender_id = db.Column(db.Integer, db.ForeignKey("accounts_user.id"), nullable=True)
    """Who acted (the submitter, the reviewer); ``None`` for the system."""
    subject = db.Column(db.Text, nullable=False, default="")
    body = db.Column(db.Text, nullable=False, default="")
    html = db.Column(db.Boolean, nullable=False, default=False)
    recipients = db.Column(postgresql.JSONB, nullable=False, default=dict)
    """``{"to": [...], "cc": [...], "bcc": [...]}``."""
    status = db.Column(db.String(16), nullable=False, default=STATUS_QUEUED, index=True)
    attempts = db.Column(db.Integer, nullable=False, default=0)
    error = db.Column(db.Text, nullable=True)
    created = db.Column(db.DateTime, nullable=False, default=_now)
    updated = db.Column(db.DateTime, nullable=False, default=_now, onupdate=_now)
