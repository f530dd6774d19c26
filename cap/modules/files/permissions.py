"""The invenio-files-rest permission factory: files-rest actions to policy actions.

No rules live here. A bucket belongs to the record linked to it through
``RecordsBuckets``; the record's own policy decides:

- a deposit (draft) bucket: the read actions need ``read`` on the deposit,
  the write actions ``update``;
- a published record's (snapshot) bucket: the read actions need ``read`` on
  the record; no write action is mapped, so writes are for superusers only
  (and the bucket is locked anyway);
- a bucket linked to no record, and global actions (creating buckets):
  superusers only.

The answer follows invenio-access semantics (``can()`` is a boolean). Our
``before_request`` guard (see ``views.py``) asks this factory first so that
denials answer 401/403 instead of files-rest's hiding 404.
"""

from flask import g
from invenio_files_rest.models import Bucket, MultipartObject, ObjectVersion
from invenio_records_files.models import RecordsBuckets

from ..access.policies import (
    DepositPermissionPolicy,
    PermissionPolicy,
    RecordPermissionPolicy,
)
from ..schemas.urls import parse_schema_url

READ_ACTIONS = (
    "bucket-read",
    "bucket-read-versions",
    "bucket-listmultiparts",
    "object-read",
    "object-read-version",
    "multipart-read",
)
WRITE_ACTIONS = (
    "bucket-update",
    "object-delete",
    "object-delete-version",
    "multipart-delete",
)

DEPOSIT_ACTIONS = {
    **dict.fromkeys(READ_ACTIONS, "read"),
    **dict.fromkeys(WRITE_ACTIONS, "update"),
}
"""files-rest action -> deposit policy action."""

RECORD_ACTIONS = dict.fromkeys(READ_ACTIONS, "read")
"""files-rest action -> record policy action (published files are read only)."""


def is_published(record):
    """Whether the record JSON is a published record (not a draft)."""
    parsed = parse_schema_url(record.get("$schema"))
    return parsed is not None and parsed[0] == "record"


def bucket_id_of(obj):
    """The bucket id of a files-rest object, or ``None`` for global actions."""
    if isinstance(obj, Bucket):
        return obj.id
    if isinstance(obj, (ObjectVersion, MultipartObject)):
        return obj.bucket_id
    return None


def record_of_bucket(bucket_id):
    """The JSON of the record owning the bucket, or ``None``."""
    if bucket_id is None:
        return None
    link = RecordsBuckets.query.filter_by(bucket_id=bucket_id).first()
    if link is None or link.record is None:
        return None
    return link.record.json


def files_policy(obj, action):
    """The policy, bound to an action and a record, that decides ``action`` on ``obj``."""
    record = record_of_bucket(bucket_id_of(obj))
    if record is None:
        return PermissionPolicy(action)
    if is_published(record):
        policy_cls, actions = RecordPermissionPolicy, RECORD_ACTIONS
    else:
        policy_cls, actions = DepositPermissionPolicy, DEPOSIT_ACTIONS
    if action not in actions:
        return PermissionPolicy(action)
    return policy_cls(actions[action], record=record)


class FilesPermission:
    """A policy decision in the shape files-rest expects (``can()``)."""

    def __init__(self, policy):
        """Wrap a bound policy."""
        self.policy = policy

    def allows(self, identity):
        """Whether ``identity`` may perform the action."""
        return self.policy.allows(identity)

    def can(self):
        """Whether the current identity may perform the action."""
        return self.allows(g.identity)


def files_permission_factory(obj, action):
    """``FILES_REST_PERMISSION_FACTORY``: the permission for ``action`` on ``obj``."""
    return FilesPermission(files_policy(obj, action))
