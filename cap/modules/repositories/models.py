"""Tables of the repositories module.

- ``cap_repositories_webhook``: one hook at a git host (a repository, an
  event type, for pushes a branch), its secret and state;
- ``cap_repositories_subscription``: a draft subscribed to a hook;
- ``cap_repositories_snapshot``: one archive (or file) of a repository at a
  ref downloaded into a draft's bucket, and how that went;
- ``cap_repositories_delivery``: delivery ids already received (a redelivery
  changes nothing).
"""

import uuid
from datetime import UTC, datetime

from invenio_db import db
from sqlalchemy_utils.types import UUIDType


def _now():
    return datetime.now(UTC).replace(tzinfo=None)


EVENT_TYPES = ("push", "release")
SNAPSHOT_STATES = ("queued", "downloading", "done", "failed", "waiting")
"""``waiting``: the draft is published (its bucket is read-only); the next edit attaches it."""


class GitWebhook(db.Model):
    """A hook created at the git host through its API."""

    __tablename__ = "cap_repositories_webhook"
    __table_args__ = (
        db.UniqueConstraint("host", "project_id", "event_type", "branch",
                            name="uq_cap_repositories_webhook_target"),
    )

    id = db.Column(db.Integer, primary_key=True, autoincrement=True)
    host = db.Column(db.String(255), nullable=False)
    owner = db.Column(db.String(255), nullable=False)
    name = db.Column(db.String(255), nullable=False)
    project_id = db.Column(db.String(64), nullable=False)
    """The repository's id at the host (events name it)."""
    event_type = db.Column(db.String(16), nullable=False)
    branch = db.Column(db.String(255), nullable=True)
    """The branch of a push hook; ``None`` for releases."""
    external_id = db.Column(db.String(64), nullable=True)
    """The hook's id at the host."""
    secret = db.Column(db.String(255), nullable=False)
    user_id = db.Column(db.Integer, nullable=True)
    """Whose linked account created the hook at the host (and removes and checks it);
    ``None``: the instance's token."""
    status = db.Column(db.String(16), nullable=False, default="active")
    """``active`` or ``dead`` (the host no longer has it)."""
    checked = db.Column(db.DateTime, nullable=True)
    created = db.Column(db.DateTime, nullable=False, default=_now)


class GitSubscription(db.Model):
    """A draft that gets a snapshot at each event of a hook."""

    __tablename__ = "cap_repositories_subscription"
    __table_args__ = (
        db.UniqueConstraint("webhook_id", "deposit_id", name="uq_cap_repositories_subscription"),
    )

    id = db.Column(db.Integer, primary_key=True, autoincrement=True)
    webhook_id = db.Column(db.Integer, db.ForeignKey(GitWebhook.id, ondelete="CASCADE"),
                           nullable=False)
    deposit_id = db.Column(UUIDType, nullable=False, index=True)
    user_id = db.Column(db.Integer, nullable=True)
    created = db.Column(db.DateTime, nullable=False, default=_now)

    webhook = db.relationship(GitWebhook, backref=db.backref("subscriptions",
                                                             cascade="all, delete-orphan"))


class GitSnapshot(db.Model):
    """A repository (or one of its files) at a ref, downloaded into a draft."""

    __tablename__ = "cap_repositories_snapshot"

    id = db.Column(UUIDType, primary_key=True, default=uuid.uuid4)
    deposit_id = db.Column(UUIDType, nullable=False, index=True)
    webhook_id = db.Column(db.Integer, db.ForeignKey(GitWebhook.id, ondelete="SET NULL"),
                           nullable=True)
    host = db.Column(db.String(255), nullable=False)
    owner = db.Column(db.String(255), nullable=False)
    name = db.Column(db.String(255), nullable=False)
    project_id = db.Column(db.String(64), nullable=False)
    ref = db.Column(db.String(255), nullable=False)
    path = db.Column(db.Text, nullable=True)
    """The file of a single-file snapshot; ``None``: the whole repository."""
    sha = db.Column(db.String(64), nullable=True)
    key = db.Column(db.Text, nullable=False)
    """The file's key in the draft's bucket."""
    url = db.Column(db.Text, nullable=False)
    event = db.Column(db.String(16), nullable=False, default="upload")
    """``upload`` (asked for), ``push`` or ``release`` (a webhook's)."""
    delivery_id = db.Column(db.String(64), nullable=True)
    user_id = db.Column(db.Integer, nullable=True)
    """Whose linked account it is downloaded with (the instance's token when they have
    none at the host); ``None``: the instance's token. A webhook's snapshot is its
    draft's subscriber's."""
    status = db.Column(db.String(16), nullable=False, default="queued")
    size = db.Column(db.BigInteger, nullable=True)
    checksum = db.Column(db.String(255), nullable=True)
    error = db.Column(db.Text, nullable=True)
    created = db.Column(db.DateTime, nullable=False, default=_now)
    updated = db.Column(db.DateTime, nullable=False, default=_now, onupdate=_now)


class GitDelivery(db.Model):
    """A delivery already received (the host's delivery id)."""

    __tablename__ = "cap_repositories_delivery"

    delivery_id = db.Column(db.String(64), primary_key=True)
    webhook_id = db.Column(db.Integer, db.ForeignKey(GitWebhook.id, ondelete="CASCADE"),
                           nullable=False)
    received = db.Column(db.DateTime, nullable=False, default=_now)
