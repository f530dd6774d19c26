"""Fixity: every stored file is re-read and its checksum compared, on a cycle.

invenio-files-rest keeps the outcome of the last check on each file
instance (``last_check``: True, False for a mismatch, None when the file
could not be read; ``last_check_at``), and its beat task
``schedule_checksum_verification`` spreads the checks over a cycle. CAP adds
what admins need on top: where a failed file is used (bucket, key, version,
record), an alert mailed once per failed check, a report for superusers and
``cap files verify`` for a check on demand.
"""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from invenio_db import db
from invenio_files_rest.models import FileInstance, ObjectVersion
from invenio_records.models import RecordMetadata
from invenio_records_files.models import RecordsBuckets

from ..access.policies import PermissionPolicy
from ..core.errors import NotFoundError
from .models import FixityAlert

OK, MISMATCH, UNREADABLE = "ok", "mismatch", "unreadable"


class FixityPermissionPolicy(PermissionPolicy):
    """Checking files and reading the fixity report: superusers (and the
    system identity of the beat tasks and the CLI) only."""

    can_verify = []
    can_read_report = []


@dataclass(frozen=True)
class FileUse:
    """Where a file instance is used: one object version of a bucket."""

    bucket_id: str
    key: str
    version_id: str
    record_id: str | None
    pid: str | None


@dataclass(frozen=True)
class FixityResult:
    """The outcome of a file's last check, and where the file is used."""

    file_id: str
    uri: str
    checksum: str
    size: int
    status: str
    checked_at: datetime | None
    uses: tuple[FileUse, ...]


def status_of(file_instance):
    """``ok``, ``mismatch`` or ``unreadable`` from files-rest's ``last_check``."""
    if file_instance.last_check is True:
        return OK
    return MISMATCH if file_instance.last_check is False else UNREADABLE


def files_to_check():
    """The files the scheduled check reads: every readable file instance."""
    return db.session.query(FileInstance).filter(FileInstance.readable.is_(True))


def failed_files():
    """File instances whose last check failed (mismatch, or could not be read).

    A file never checked has ``last_check`` True (files-rest's default) and
    no ``last_check_at``; only files a check has run on count.
    """
    return files_to_check().filter(
        FileInstance.last_check_at.isnot(None),
        sa.or_(FileInstance.last_check.is_(False), FileInstance.last_check.is_(None)),
    )


def record_files(record_id):
    """File instances of a record's (or draft's) bucket, every version."""
    return (
        files_to_check()
        .join(ObjectVersion, ObjectVersion.file_id == FileInstance.id)
        .join(RecordsBuckets, RecordsBuckets.bucket_id == ObjectVersion.bucket_id)
        .filter(RecordsBuckets.record_id == record_id)
        .distinct()
    )


def uses_of(file_ids):
    """file id -> the object versions (with their record) that point at it."""
    rows = (
        db.session.query(ObjectVersion, RecordsBuckets.record_id, RecordMetadata.json)
        .outerjoin(RecordsBuckets, RecordsBuckets.bucket_id == ObjectVersion.bucket_id)
        .outerjoin(RecordMetadata, RecordMetadata.id == RecordsBuckets.record_id)
        .filter(ObjectVersion.file_id.in_(file_ids))
        .order_by(ObjectVersion.created)
    )
    uses = {}
    for version, record_id, record_json in rows:
        pid = pid_of(record_json or {})
        uses.setdefault(version.file_id, []).append(
            FileUse(
                bucket_id=str(version.bucket_id),
                key=version.key,
                version_id=str(version.version_id),
                record_id=str(record_id) if record_id else None,
                pid=pid,
            )
        )
    return uses


def pid_of(record_json):
    """The persistent id users know a record by: the recid of a published
    record, else the deposit id of a draft."""
    return record_json.get("control_number") or record_json.get("_deposit", {}).get("id")


def results_of(file_instances):
    """:class:`FixityResult` of each file instance, with its uses."""
    file_instances = list(file_instances)
    uses = uses_of([f.id for f in file_instances])
    return [
        FixityResult(
            file_id=str(f.id),
            uri=f.uri,
            checksum=f.checksum,
            size=f.size,
            status=status_of(f),
            checked_at=f.last_check_at,
            uses=tuple(uses.get(f.id, ())),
        )
        for f in file_instances
    ]


class FixityService:
    """Checks files now, reports failed checks, and records which were alerted."""

    def count(self, identity, record_id=None):
        """How many files :meth:`verify` would read."""
        FixityPermissionPolicy("verify").require(identity)
        return self._selection(record_id).count()

    def verify(self, identity, record_id=None, file_ids=None, progress=None):
        """Re-read files (those given, one record's, or all) and compare checksums.

        Each outcome is committed as it comes, so an interrupted run keeps
        what it checked. Returns the results of the files that failed.
        """
        FixityPermissionPolicy("verify").require(identity)
        failed = []
        if file_ids is None:
            file_ids = [row.id for row in self._selection(record_id).with_entities(FileInstance.id)]
        for file_id in file_ids:
            file_instance = self._check(db.session.get(FileInstance, file_id))
            if status_of(file_instance) != OK:
                failed.append(file_instance)
            if progress:
                progress(file_instance)
        return results_of(failed)

    def verify_file(self, identity, file_id):
        """Re-read one file now (the admin page's re-check); its result, passed or not."""
        FixityPermissionPolicy("verify").require(identity)
        file_instance = files_to_check().filter(FileInstance.id == file_id).one_or_none()
        if file_instance is None:
            raise NotFoundError(f"No stored file {file_id}.")
        [result] = results_of([self._check(file_instance)])
        return result

    def report(self, identity):
        """Every file whose last check failed, with where it is used."""
        FixityPermissionPolicy("read_report").require(identity)
        return results_of(failed_files().order_by(FileInstance.last_check_at))

    def unalerted_failures(self, identity):
        """Failed checks no alert was sent for yet (a file checked again and
        failing again is alerted again)."""
        FixityPermissionPolicy("read_report").require(identity)
        alerted = sa.and_(
            FixityAlert.file_id == FileInstance.id,
            FixityAlert.checked_at == FileInstance.last_check_at,
        )
        return results_of(
            failed_files().filter(~sa.exists().where(alerted)).order_by(FileInstance.last_check_at)
        )

    def mark_alerted(self, identity, results):
        """Record that an alert was sent for these failed checks."""
        FixityPermissionPolicy("read_report").require(identity)
        for result in results:
            alert = db.session.get(FixityAlert, result.file_id)
            alert = alert or FixityAlert(file_id=result.file_id)
            alert.checked_at = result.checked_at
            db.session.add(alert)
        db.session.commit()

    @staticmethod
    def _check(file_instance):
        """Re-read one file and commit the outcome (files-rest's ``last_check``)."""
        file_instance.verify_checksum(throws=False)
        db.session.commit()
        return file_instance

    @staticmethod
    def _selection(record_id):
        return record_files(record_id) if record_id else files_to_check()
