"""Changing the tags of a file already uploaded (the head version of a key).

Tags arrive with an upload (``X-CAP-File-Tags``); this is the way to change
them afterwards without uploading the bytes again. The draft's policy decides
through the files permission factory (``bucket-update``, as for an upload), a
published (locked) bucket refuses like every write to it, and the new tags
replace the old ones as a whole.
"""

import uuid

from flask import current_app
from invenio_db import db
from invenio_db.uow import unit_of_work
from invenio_files_rest.models import Bucket, ObjectVersion, ObjectVersionTag

from ..access.generators import identity_user_id
from ..core.errors import NotFoundError, PermissionDeniedError, field_error
from .permissions import files_policy
from .serializers import file_entry
from .validation import validate_tags


def hidden_bucket_error(identity):
    """The one error for a bucket ``identity`` may not read and for one that does not exist."""
    if identity is None or identity_user_id(identity) is None:
        return PermissionDeniedError()
    return NotFoundError()


def _bucket(identity, bucket_id):
    try:
        bucket = Bucket.get(uuid.UUID(str(bucket_id)))
    except ValueError:
        bucket = None
    if bucket is None or not files_policy(bucket, "bucket-read").allows(identity):
        raise hidden_bucket_error(identity)
    return bucket


@unit_of_work()
def update_tags(identity, bucket_id, key, tags, uow=None):
    """Replace the tags of ``key``'s head version; answer its file entry."""
    bucket = _bucket(identity, bucket_id)
    if bucket.locked:
        raise PermissionDeniedError(current_app.config["CAP_FILES_LOCKED_MESSAGE"])
    if not files_policy(bucket, "bucket-update").allows(identity):
        raise PermissionDeniedError()
    obj = ObjectVersion.get(bucket, key)
    if obj is None:
        message = f"The draft has no file {key!r}."
        raise NotFoundError(message, [field_error("key", message)])
    tags = validate_tags(tags)
    for old in obj.get_tags():
        if old not in tags:
            ObjectVersionTag.delete(obj, old)
    for tag, value in tags.items():
        ObjectVersionTag.create_or_update(obj, tag, value)
    # ObjectVersionTag.delete is a bulk delete: the loaded ``tags`` are stale.
    db.session.expire(obj, ["tags"])
    return file_entry(obj)
