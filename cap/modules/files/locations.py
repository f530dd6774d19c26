"""Files locations: moving a record's files to another location (another backend).

A file instance's URI names where its bytes are (a path, ``root://``,
``s3://``); its bucket's location is where new files of the bucket go. A
migration copies each file of a record's buckets into the target location,
checks the copy (the MD5 of the bytes written and a fresh read of the copy
must both equal the stored checksum), points the file instance at the copy
(committed file by file: an interrupted run keeps what it moved), then
removes the old bytes. Snapshots share file instances, so every bucket using
a moved file reads the copy from then on. Last, the record's buckets get the
target as their location.
"""

from dataclasses import dataclass

from flask import current_app
from invenio_db import db
from invenio_files_rest.helpers import make_path
from invenio_files_rest.models import Bucket, FileInstance, Location, ObjectVersion
from invenio_records_files.models import RecordsBuckets

from ..access.policies import PermissionPolicy
from ..core.errors import ConflictError, NotFoundError, ValidationError
from .storage import UnsupportedLocationError, storage_class_for


class LocationPermissionPolicy(PermissionPolicy):
    """Creating locations and moving files between them: superusers (and the
    system identity of the CLI) only."""

    can_create = []
    can_migrate = []


class MigrationChecksumError(ConflictError):
    """A copy whose bytes do not match the file's stored checksum (nothing changed)."""


@dataclass(frozen=True)
class MovedFile:
    """One file instance moved: where it was, where it is, what it holds."""

    file_id: str
    size: int
    checksum: str
    old_uri: str
    new_uri: str
    old_removed: bool


def under(uri, location):
    """Whether ``uri`` lies in ``location`` (its URI is a prefix, at a path boundary)."""
    root = location.uri.rstrip("/") + "/"
    return uri.startswith(root)


class LocationService:
    """Files locations: create them, move a record's files between them."""

    def create(self, identity, name, uri, default=False):
        """A new location; its URI must name a supported backend."""
        LocationPermissionPolicy("create").require(identity)
        try:
            storage_class_for(uri)
        except UnsupportedLocationError as error:
            raise ValidationError(str(error)) from None
        if Location.get_by_name(name):
            raise ConflictError(f"a location named {name!r} exists already")
        if default:
            current = Location.get_default()
            if current is not None:
                current.default = False
        location = Location(name=name, uri=uri, default=default)
        db.session.add(location)
        db.session.commit()
        return location

    def files_to_move(self, identity, record_id, location_name):
        """The file instances of a record's buckets not yet in the target location."""
        LocationPermissionPolicy("migrate").require(identity)
        target = self._location(location_name)
        files = (
            db.session.query(FileInstance)
            .join(ObjectVersion, ObjectVersion.file_id == FileInstance.id)
            .join(RecordsBuckets, RecordsBuckets.bucket_id == ObjectVersion.bucket_id)
            .filter(RecordsBuckets.record_id == record_id)
            .distinct()
            .order_by(FileInstance.created)
        )
        return [f for f in files if f.uri and not under(f.uri, target)]

    def migrate(self, identity, record_id, location_name, progress=None):
        """Move the record's files into the location; the list of :class:`MovedFile`.

        ``progress(file_instance, bytes_done)`` is called as bytes are copied.
        A copy that does not match raises :class:`MigrationChecksumError`
        (that file stays where it was; files moved before it stay moved).
        """
        target = self._location(location_name)
        moved = []
        for file_instance in self.files_to_move(identity, record_id, location_name):
            moved.append(self._move(file_instance, target, progress))
        buckets = db.session.query(Bucket).join(
            RecordsBuckets, RecordsBuckets.bucket_id == Bucket.id
        ).filter(RecordsBuckets.record_id == record_id)
        for bucket in buckets:
            bucket.location = target
        db.session.commit()
        return moved

    @staticmethod
    def _location(name):
        location = Location.get_by_name(name)
        if location is None:
            raise NotFoundError(f"no files location is named {name!r}")
        return location

    @staticmethod
    def _move(file_instance, target, progress):
        config = current_app.config
        new_uri = make_path(target.uri, str(file_instance.id), "data",
                            config["FILES_REST_STORAGE_PATH_DIMENSIONS"],
                            config["FILES_REST_STORAGE_PATH_SPLIT_LENGTH"])
        copy = storage_class_for(new_uri)(new_uri, size=file_instance.size)
        expected = file_instance.checksum

        def copied(_total, done):
            if progress:
                progress(file_instance, done)

        with file_instance.storage().open("rb") as source:
            _, size, written = copy.save(source, size=file_instance.size,
                                         progress_callback=copied)
        reread = copy.checksum()
        if (size, written, reread) != (file_instance.size, expected, expected):
            copy.delete()
            raise MigrationChecksumError(
                f"file {file_instance.id}: the copy at {new_uri} does not match "
                f"(stored {expected}, {file_instance.size} bytes; written {written}, "
                f"{size} bytes; read back {reread}); the file stays at {file_instance.uri}"
            )
        old = file_instance.storage()
        old_uri = file_instance.uri
        file_instance.uri = new_uri
        db.session.commit()
        # The old bytes go only once the new URI is committed; if they cannot
        # be removed they are only left behind (``cap files remove-orphans``
        # clears a local disk).
        try:
            old.delete()
            removed = True
        except Exception:  # any backend's error: the move itself is done
            current_app.logger.warning("could not remove %s after moving it", old_uri,
                                       exc_info=True)
            removed = False
        return MovedFile(file_id=str(file_instance.id), size=file_instance.size,
                         checksum=expected, old_uri=old_uri, new_uri=new_uri,
                         old_removed=removed)
