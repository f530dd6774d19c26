"""Record layer of published records, and the base both kinds share.

Records store JSON: the user's metadata at the top level plus system keys
starting with ``_`` (and ``$schema``, ``control_number``). Validation against
the schemas is the service's job (through :mod:`cap.modules.schemas`), so the
record layer only encodes; it never sees a request or an identity.
"""

import uuid
from collections.abc import Mapping, Sequence

from invenio_db import db
from invenio_files_rest.models import Bucket, FileInstance, ObjectVersion, ObjectVersionTag
from invenio_files_rest.utils import guess_mimetype
from invenio_pidstore.models import PersistentIdentifier, PIDStatus
from invenio_records_files.api import Record
from invenio_records_files.models import RecordsBuckets
from sqlalchemy import select

SYSTEM_KEYS = ("control_number",)

MIMETYPE_COLUMN = ObjectVersion.__table__.c["_mimetype"].label("mimetype")
"""The stored MIME type of a file version, as a column to select: files-rest's
public ``ObjectVersion.mimetype`` is a Python property (stored value, else a
guess from the key) over this table column, which its migrations name
``_mimetype``; selecting the column reads no ORM objects."""


def is_system_key(key):
    """Whether a top-level key is ours rather than the user's (``_*``, ``$*``)."""
    return key.startswith(("_", "$")) or key in SYSTEM_KEYS


def user_metadata(data):
    """The user fields of a record's JSON (no system keys)."""
    return {key: value for key, value in data.items() if not is_system_key(key)}


def system_metadata(data):
    """The system keys of a record's JSON."""
    return {key: value for key, value in data.items() if is_system_key(key)}


def has_json_refs(data):
    """Whether ``data`` holds a JSON reference: a mapping whose ``$ref`` is a string
    (what ``jsonref.replace_refs`` turns into a reference), at any depth."""
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, Mapping):
            if isinstance(node.get("$ref"), str):
                return True
            stack.extend(node.values())
        elif isinstance(node, Sequence) and not isinstance(node, (str, bytes)):
            stack.extend(node)
    return False


class CAPRecord(Record):
    """Common behaviour of drafts and published records."""

    pid_type = None
    """The PID type that resolves to this kind of record."""

    def replace_refs(self):
        """invenio-records' JSON-reference replacement (what the indexer calls),
        skipped when the record holds no reference, the usual case.

        ``jsonref`` rebuilds the whole document as a plain copy to find none
        (~70 ms for a record of 1,000 files); the same plain copy, shallow
        here (the indexer deep-copies what it gets), comes from a walk that
        only looks. A record with a reference takes invenio-records' path.
        """
        if has_json_refs(self):
            return super().replace_refs()
        return dict(self)

    def _validate(self, format_checker=None, validator=None, use_model=False):
        """Encode only: schema validation belongs to the service."""
        if use_model:
            return self.model.json
        return self.model_cls.encode(dict(self))

    @classmethod
    def create_with_bucket(cls, data, bucket, id_=None):
        """Create the record linked to an existing ``bucket``."""
        data["_bucket"] = str(bucket.id)
        record = cls.create(data, id_=id_, with_bucket=False)
        # A record created just now has no link yet: no look-up first.
        RecordsBuckets.create(record=record.model, bucket=bucket)
        record.bucket = bucket
        return record

    @classmethod
    def get_by_pid(cls, pid_value, for_update=False):
        """The record behind a PID; raises pidstore's errors when unknown/deleted.

        ``for_update`` locks the record's row until the transaction ends, so
        parallel writes of one record queue here and each sees the revision
        the previous one left (412 for a stale If-Match, 409 for an action
        already done) instead of failing at flush with ``StaleDataError``.
        """
        pid = PersistentIdentifier.get(cls.pid_type, pid_value)
        if pid.status == PIDStatus.DELETED:
            from invenio_pidstore.errors import PIDDeletedError

            raise PIDDeletedError(pid, None)
        if pid.status != PIDStatus.REGISTERED or pid.object_uuid is None:
            from invenio_pidstore.errors import PIDDoesNotExistError

            raise PIDDoesNotExistError(cls.pid_type, pid_value)
        if for_update:
            query = db.session.query(cls.model_cls).filter_by(id=pid.object_uuid)
            query.with_for_update().populate_existing().one()
        return cls.get_record(pid.object_uuid)

    @classmethod
    def last_live_json(cls, pid_value):
        """The JSON a deleted record had just before its deletion (``None``: unknown).

        A soft-deleted record keeps no JSON; its history (the revisions) does.
        The version counter may skip a number: then ``None`` too (callers
        treat that as "no one may read it", which reveals nothing).
        """
        pid = PersistentIdentifier.get(cls.pid_type, pid_value)
        if pid.object_uuid is None:
            return None
        record = cls.get_record(pid.object_uuid, with_deleted=True)
        if record.revision_id < 1:
            return None
        try:
            return dict(record.revisions[record.revision_id - 1])
        except IndexError:
            return None

    @property
    def metadata(self):
        """The user fields only."""
        return user_metadata(self)

    def replace_metadata(self, metadata):
        """Replace the user fields, keeping the system keys."""
        system = system_metadata(self)
        self.clear()
        self.update(user_metadata(metadata))
        self.update(system)

    loaded_bucket = None
    """The :class:`Bucket` object of ``bucket``, once looked up or set (ours, not
    invenio-records-files' private ``_bucket``, which this class never reads)."""

    @property
    def bucket(self):
        """The bucket named by ``_bucket`` (one per record revision), looked up once
        (again when ``_bucket`` names another bucket since)."""
        bucket_id = self.bucket_id
        if not bucket_id:
            return None
        if self.loaded_bucket is None or str(self.loaded_bucket.id) != str(bucket_id):
            self.loaded_bucket = Bucket.get(bucket_id)
        return self.loaded_bucket

    @bucket.setter
    def bucket(self, bucket):
        """Make ``bucket`` this record's: its id goes into ``_bucket`` (``dump_bucket``)
        and the object is kept, so reading ``bucket`` needs no look-up."""
        self.dump_bucket(self, bucket)
        self.loaded_bucket = bucket


def link_bucket(record, bucket):
    """Link a bucket to a record (RecordsBuckets), once."""
    exists = RecordsBuckets.query.filter_by(
        record_id=record.id, bucket_id=bucket.id
    ).one_or_none()
    if exists is None:
        RecordsBuckets.create(record=record.model, bucket=bucket)


def dump_files(bucket, api_url):
    """The head file versions of a bucket (or a bucket id), as the API shows them.

    Two queries whatever the number of files (see :func:`dump_buckets`).
    """
    if bucket is None:
        return []
    bucket_id = bucket.id if isinstance(bucket, Bucket) else bucket
    return dump_buckets([bucket_id], api_url)[str(bucket_id)]


def dump_buckets(bucket_ids, api_url):
    """``{bucket id: head file versions}`` of many buckets, as the API shows them.

    Two queries whatever the number of buckets and files, reading columns
    only (no ORM objects): the objects with their file's size and checksum,
    then every tag of them at once.
    """
    ids = sorted({uuid.UUID(str(bucket_id)) for bucket_id in bucket_ids})
    dumps = {str(bucket_id): [] for bucket_id in ids}
    if not ids:
        return dumps
    heads = (
        ObjectVersion.bucket_id.in_(ids),
        ObjectVersion.is_head.is_(True),
        ObjectVersion.file_id.isnot(None),
    )
    objects = db.session.execute(
        select(
            ObjectVersion.bucket_id,
            ObjectVersion.version_id,
            ObjectVersion.key,
            MIMETYPE_COLUMN,
            FileInstance.size,
            FileInstance.checksum,
        )
        .join(FileInstance, ObjectVersion.file_id == FileInstance.id)
        .where(*heads)
        .order_by(ObjectVersion.bucket_id, ObjectVersion.key)
    ).all()
    tags = {}
    if objects:
        for tag in db.session.execute(
            select(ObjectVersionTag.version_id, ObjectVersionTag.key, ObjectVersionTag.value)
            .join(ObjectVersion, ObjectVersionTag.version_id == ObjectVersion.version_id)
            .where(*heads)
        ):
            tags.setdefault(tag.version_id, {})[tag.key] = tag.value
    for obj in objects:
        dumps[str(obj.bucket_id)].append(
            _file_entry(
                obj.bucket_id,
                obj.key,
                obj.version_id,
                obj.size,
                obj.checksum,
                obj.mimetype or guess_mimetype(obj.key),
                tags.get(obj.version_id, {}),
                api_url,
            )
        )
    return dumps


def _file_entry(bucket_id, key, version_id, size, checksum, mimetype, tags, api_url):
    link = f"{api_url}/files/{bucket_id}/{key}"
    return {
        "bucket": str(bucket_id),
        "key": key,
        "size": size,
        "checksum": checksum,
        "version_id": str(version_id),
        "mimetype": mimetype,
        "tags": tags,
        "links": {
            "self": link,
            "version": f"{link}?versionId={version_id}",
        },
    }


def dump_copies(files, bucket_id, versions, api_url):
    """The dump of a snapshot from the dump of its source, without reading it back.

    ``files``: :func:`dump_files` of the source bucket, taken in the same
    transaction just before :func:`cap.modules.files.snapshots.snapshot_bucket`
    copied it into ``bucket_id``; ``versions``: ``{source version id: copy
    version id}`` as the snapshot filled it. A copy has its own version id,
    the same file and tags, and no MIME type of its own (guessed from the
    key). ``None`` when the two do not match (then read the snapshot).
    """
    if {str(source) for source in versions} != {entry["version_id"] for entry in files}:
        return None
    copies = {str(source): copy for source, copy in versions.items()}
    return [
        _file_entry(
            bucket_id,
            entry["key"],
            copies[entry["version_id"]],
            entry["size"],
            entry["checksum"],
            guess_mimetype(entry["key"]),
            dict(entry["tags"]),
            api_url,
        )
        for entry in files
    ]


class PublishedRecord(CAPRecord):
    """A published record: frozen metadata and the snapshot of its files.

    ``control_number`` is the recid; ``_bucket`` is the snapshot bucket of
    this revision (each publish freezes its own) and ``_files`` its file list.
    """

    pid_type = "recid"

    @property
    def recid(self):
        """The record id (``CAP.CMS.XXXX.YYYY``)."""
        return self.get("control_number")

    def revision(self, revision_id):
        """An older revision, as a PublishedRecord (``IndexError`` when unknown)."""
        revision = self.revisions[revision_id]
        # The version row has the same columns (id, version_id, created,
        # updated), so the usual properties work on it; never commit it.
        return PublishedRecord(dict(revision), model=revision.model)
