"""The import of a legacy CAP export, identity first (superusers only).

Each deposit (with the record revisions of its recid) is planned first:
schema, metadata, users and files are checked and the result is compared
with what is stored. A plan that fails writes nothing; a dry run stops at
the plans. Writing keeps the legacy deposit id and recid, owners, grants and
files (their checksums verified against the export); every record revision
of the export becomes a revision here, oldest first, each in its own
transaction (a revision is one commit). Running it again changes nothing
already imported: ``unchanged``; what differs is ``updated``.
"""

import hashlib
import tempfile
import uuid
from dataclasses import dataclass, field, replace

from flask import current_app
from invenio_accounts.models import User
from invenio_db import db
from invenio_db.uow import UnitOfWork
from invenio_files_rest.models import ObjectVersion
from invenio_pidstore.errors import PIDDoesNotExistError
from invenio_pidstore.models import PersistentIdentifier, PIDStatus

from ..access.components import record_grants
from ..access.policies import MigrationPermissionPolicy
from ..core.errors import field_error
from ..core.uow import RecordCommitOp
from ..deposit.records.api import STATUS_DRAFT, STATUS_PUBLISHED, Deposit
from ..deposit.services.service import initial_access
from ..deposit.services.uow import RecordIndexOp
from ..files.buckets import new_bucket
from ..files.snapshots import snapshot_bucket
from ..records.api import PublishedRecord, dump_files, link_bucket
from ..records.indexer import get_indexer
from ..schemas import api as schemas_api
from ..schemas.errors import SchemaNotFoundError
from .files import DownloadedFiles, FileFetchError, FolderFiles

CREATED, UPDATED, UNCHANGED, FAILED = "created", "updated", "unchanged", "failed"
STATUSES = (CREATED, UPDATED, UNCHANGED, FAILED)


@dataclass
class Outcome:
    """What the import did (or, in a dry run, would do) with one deposit."""

    source: str
    depid: str | None
    status: str
    recid: str | None = None
    reasons: list = field(default_factory=list)  # [{field, message}] of a failure


class PlanError(Exception):
    """A deposit that cannot be imported; ``errors`` say why."""

    def __init__(self, errors):
        """Keep the field errors."""
        super().__init__(errors[0]["message"] if errors else "failed")
        self.errors = errors


@dataclass
class Plan:
    """One deposit ready to write: target schema, JSON, file paths, record revisions."""

    depid: str
    source: str
    schema: object
    deposit: object  # LegacyDocument of the deposit
    revisions: list  # LegacyDocuments of the record, oldest first
    paths: dict  # checksum -> file on disk
    status: str = CREATED


def md5_checksum(path):
    """``md5:<hex>`` of a file, as files-rest writes it."""
    digest = hashlib.md5()  # noqa: S324 (a checksum, as legacy CAP and files-rest use)
    with open(path, "rb") as fp:
        for chunk in iter(lambda: fp.read(1 << 20), b""):
            digest.update(chunk)
    return f"md5:{digest.hexdigest()}"


def count_outcomes(export):
    """How many outcomes :meth:`LegacyImportService.import_export` gives for ``export``."""
    documents, failures = export
    return len(failures) + len({document.depid for document in documents})


def _group(documents):
    """``{depid: (deposit document or None, [record documents])}`` in file order."""
    groups = {}
    for document in documents:
        deposit, records = groups.setdefault(document.depid, [None, []])
        if document.kind == "deposit":
            groups[document.depid][0] = document
        else:
            records.append(document)
    return groups


class LegacyImportService:
    """Import legacy CAP drafts and records (``cap migrate legacy``)."""

    def __init__(self, indexer=None):
        """Use ``indexer`` (default: the shared drafts/records indexer)."""
        self._indexer = indexer

    @property
    def indexer(self):
        """The indexer of drafts and records."""
        if self._indexer is None:
            self._indexer = get_indexer()
        return self._indexer

    def import_export(self, identity, export, files_dir=None, files_url=None, dry_run=False,
                      progress=None, download_settings=None):
        """Import a read export (:func:`.legacy.read_export`): ``[Outcome]``, one per
        deposit or unreadable file.

        ``files_dir``: where the files are, as ``<files_dir>/<deposit id>/<key>``
        (or ``<recid>/<key>`` for a record revision's own version of a file);
        ``files_url``: a URL template to download the ones not there (see
        :mod:`.files`; ``download_settings`` override its timeout, retries ...).
        ``progress(outcome)`` is called after each one.
        """
        MigrationPermissionPolicy("import").require(identity)
        documents, failures = export
        outcomes = [
            Outcome(source, None, FAILED, reasons=errors or [field_error([], message)])
            for source, message, errors in failures
        ]
        for outcome in outcomes:
            if progress:
                progress(outcome)
        # Downloads live until the import has copied them into buckets.
        with tempfile.TemporaryDirectory(prefix="cap-migration-") as workdir:
            sources = [FolderFiles(files_dir)] if files_dir else []
            if files_url:
                sources.append(DownloadedFiles(files_url, workdir, **(download_settings or {})))
            for depid, (deposit, records) in _group(documents).items():
                outcome = self._import_one(depid, deposit, records, sources, dry_run)
                outcomes.append(outcome)
                if progress:
                    progress(outcome)
        return outcomes

    def _import_one(self, depid, deposit, records, sources, dry_run):
        source = (deposit or records[0]).source
        recid = (records[-1].recid if records else None) or (deposit.recid if deposit else None)
        try:
            plan = self._plan(depid, deposit, records, sources)
        except PlanError as error:
            db.session.rollback()
            return Outcome(source, depid, FAILED, recid, error.errors)
        if dry_run or plan.status == UNCHANGED:
            db.session.rollback()
            return Outcome(source, depid, plan.status, recid)
        try:
            self._write(plan)
        except Exception as error:  # one bad deposit must not stop the others
            db.session.rollback()
            current_app.logger.exception("Import of legacy deposit %s failed.", depid)
            return Outcome(source, depid, FAILED, recid, [field_error([], str(error))])
        return Outcome(source, depid, plan.status, recid)

    # -- planning -------------------------------------------------------------
    def _plan(self, depid, deposit, records, sources):
        records = sorted(records, key=lambda record: record.revision_id)
        if deposit is None:
            # A record without its deposit: the deposit is its last revision, published.
            deposit = records[-1]
        elif not records and deposit.status == STATUS_PUBLISHED and deposit.recid:
            # A published deposit without its record: it holds what was published.
            records = [replace(deposit, kind="record")]
        head = deposit
        try:
            schema = schemas_api.get_schema(head.schema_name, head.schema_version)
        except SchemaNotFoundError:
            try:
                schema = schemas_api.get_schema(head.schema_name)
            except SchemaNotFoundError:
                raise PlanError(
                    [field_error(["$schema"], f"Unknown deposit type {head.schema_name!r}.")]
                ) from None
        errors = [
            {**error, "field": ["metadata", *error["field"]]}
            for error in schemas_api.validate(schema, deposit.metadata, kind="deposit", full=False)
        ]
        for record in records:
            errors += [
                {**error, "message": f"record revision {record.revision_id}: {error['message']}"}
                for error in schemas_api.validate(schema, record.metadata, kind="record", full=True)
            ]
        errors += self._check_users([deposit, *records])
        paths, file_errors = self._locate_files(depid, [deposit, *records], sources)
        errors += file_errors
        if errors:
            raise PlanError(errors)
        plan = Plan(depid, deposit.source, schema, deposit, records, paths)
        plan.status = self._compare(plan)
        return plan

    @staticmethod
    def _check_users(documents):
        wanted = set()
        for document in documents:
            wanted.update(document.owners)
            if document.created_by is not None:
                wanted.add(document.created_by)
            for grant in document.access.values():
                wanted.update(grant["users"])
        known = {row.id for row in User.query.filter(User.id.in_(wanted)).with_entities(User.id)}
        return [
            field_error(["_deposit", "owners"], f"User {user_id} does not exist here.")
            for user_id in sorted(wanted - known)
        ]

    @staticmethod
    def _locate_files(depid, documents, sources):
        """``({checksum: path}, errors)``: every listed file found in one of ``sources``
        (:mod:`.files`), its checksum verified."""
        paths, errors = {}, []
        for document in documents:
            for index, entry in enumerate(document.files):
                if entry.checksum in paths:
                    continue
                where = ["_files", str(index)]
                if not sources:
                    errors.append(field_error(
                        where, f"{entry.key}: files are listed but no files folder or URL "
                               "is given."))
                    continue
                found, problems = [], []
                for source in sources:
                    try:
                        found += source.find(depid, document.recid, entry)
                    except FileFetchError as error:
                        problems.append(str(error))
                if not found:
                    errors.append(field_error(where, f"{entry.key}: {' '.join(problems)}"))
                    continue
                match = next((path for path in found if md5_checksum(path) == entry.checksum), None)
                if match is None:
                    errors.append(
                        field_error(where, f"{entry.key}: checksum differs from {entry.checksum}.")
                    )
                    continue
                paths[entry.checksum] = match
        return paths, errors

    # -- the JSON we store ------------------------------------------------------
    def _deposit_access(self, plan):
        access = initial_access(None, reviewable=bool((plan.schema.config or {}).get("reviewable")))
        for action, grant in plan.deposit.access.items():
            if action.startswith("deposit-"):
                access[action] = {"users": list(grant["users"]), "roles": list(grant["roles"])}
        return access

    def _record_access(self, plan, record):
        given = {
            action: grant for action, grant in record.access.items() if action.startswith("record-")
        }
        return given or record_grants(self._deposit_access(plan))

    def _owner_fields(self, plan):
        head = plan.deposit
        return {
            "created_by": head.created_by
            if head.created_by is not None
            else (head.owners or [None])[0],
            "owners": list(head.owners),
        }

    def _deposit_json(self, plan):
        data = dict(plan.deposit.metadata)
        data["$schema"] = schemas_api.schema_url(plan.schema, kind="deposit")
        data["_deposit"] = {"id": plan.depid, "status": STATUS_DRAFT, **self._owner_fields(plan)}
        data["_access"] = self._deposit_access(plan)
        if plan.schema.experiment:
            data["_experiment"] = plan.schema.experiment
        return data

    def _record_json(self, plan, record):
        data = dict(record.metadata)
        data["$schema"] = schemas_api.schema_url(plan.schema, kind="record")
        data["_deposit"] = {
            "id": plan.depid,
            **self._owner_fields(plan),
            "pid": {"type": "recid", "value": record.recid},
        }
        data["_access"] = self._record_access(plan, record)
        if plan.schema.experiment:
            data["_experiment"] = plan.schema.experiment
        data["control_number"] = record.recid
        return data

    # -- comparing with what is stored --------------------------------------------
    @staticmethod
    def _stored(pid_type, value, cls):
        try:
            pid = PersistentIdentifier.get(pid_type, value)
        except PIDDoesNotExistError:
            return None
        return cls.get_record(pid.object_uuid) if pid.object_uuid else None

    @staticmethod
    def _file_state(bucket):
        if bucket is None:
            return {}
        return {entry["key"]: entry["checksum"] for entry in dump_files(bucket, "")}

    @staticmethod
    def _wanted_files(document):
        return {entry.key: entry.checksum for entry in document.files}

    @staticmethod
    def _comparable(data):
        """What the import sets: everything but the bucket, files, status and PID links."""
        kept = {key: value for key, value in data.items() if key not in ("_bucket", "_files")}
        kept["_deposit"] = {
            key: value
            for key, value in data.get("_deposit", {}).items()
            if key in ("id", "owners", "created_by")
        }
        return kept

    def _same(self, stored, wanted, document):
        return self._comparable(stored) == self._comparable(wanted) and self._file_state(
            stored.bucket
        ) == self._wanted_files(document)

    def _compare(self, plan):
        stored = self._stored("depid", plan.depid, Deposit)
        if stored is None:
            return CREATED
        if plan.revisions:
            record = self._stored("recid", plan.revisions[-1].recid, PublishedRecord)
            if record is None or not self._same(
                record, self._record_json(plan, plan.revisions[-1]), plan.revisions[-1]
            ):
                return UPDATED
        if (stored.status == STATUS_PUBLISHED) != bool(plan.revisions):
            return UPDATED
        return UNCHANGED if self._same(stored, self._deposit_json(plan), plan.deposit) else UPDATED

    # -- writing ------------------------------------------------------------------
    def _fill(self, bucket, document, paths):
        """Make ``bucket`` hold exactly ``document``'s files."""
        current = self._file_state(bucket)
        wanted = self._wanted_files(document)
        for key in set(current) - set(wanted):
            ObjectVersion.delete(bucket, key)
        for key, checksum in wanted.items():
            if current.get(key) == checksum:
                continue
            with open(paths[checksum], "rb") as stream:
                ObjectVersion.create(bucket, key, stream=stream)

    def _write(self, plan):
        with UnitOfWork(db.session) as uow:
            deposit = self._write_deposit(plan, uow)
            uow.commit()
        for record in plan.revisions:
            with UnitOfWork(db.session) as uow:
                deposit = Deposit.get_record(deposit.id)
                self._write_revision(plan, deposit, record, uow)
                uow.commit()

    def _create(self, cls, pid_value, data, bucket, uow):
        """A new draft or record under the legacy PID value."""
        record_id = uuid.uuid4()
        PersistentIdentifier.create(cls.pid_type, pid_value, object_type="rec",
                                    object_uuid=record_id, status=PIDStatus.REGISTERED)
        record = cls.create_with_bucket(data, bucket, id_=record_id)
        uow.register(RecordIndexOp(record, self.indexer))
        return record

    def _write_deposit(self, plan, uow):
        data = self._deposit_json(plan)
        stored = self._stored("depid", plan.depid, Deposit)
        if stored is None:
            bucket = new_bucket()
            self._fill(bucket, plan.deposit, plan.paths)
            return self._create(Deposit, plan.depid, data, bucket, uow)
        bucket = stored.bucket  # looked up by ``_bucket``, which the update replaces
        bucket.locked = False
        self._fill(bucket, plan.deposit, plan.paths)
        pid = stored["_deposit"].get("pid")
        stored.clear()
        stored.update(data)
        if pid:
            stored["_deposit"]["pid"] = pid
            stored["_deposit"]["status"] = STATUS_PUBLISHED
            bucket.locked = True
        stored.bucket = bucket
        uow.register(RecordCommitOp(stored, self.indexer))
        return stored

    def _write_revision(self, plan, deposit, revision, uow):
        """One record revision: its own frozen files, then the deposit points at it."""
        api_url = current_app.config["SITE_API_URL"]
        data = self._record_json(plan, revision)
        record = self._stored("recid", revision.recid, PublishedRecord)
        if record is not None and self._same(record, data, revision):
            return
        if self._wanted_files(revision) == self._file_state(deposit.bucket):
            snapshot = snapshot_bucket(deposit.bucket, lock=True)
        else:
            snapshot = new_bucket()
            self._fill(snapshot, revision, plan.paths)
            snapshot.locked = True
        data["_files"] = dump_files(snapshot, api_url)
        data["_bucket"] = str(snapshot.id)
        if record is None:
            record = self._create(PublishedRecord, revision.recid, data, snapshot, uow)
        else:
            record.clear()
            record.update(data)
            link_bucket(record, snapshot)
            uow.register(RecordCommitOp(record, self.indexer))
        deposit["_deposit"]["status"] = STATUS_PUBLISHED
        deposit["_deposit"]["pid"] = {
            "type": "recid",
            "value": revision.recid,
            "revision_id": record.revision_id,
        }
        deposit.bucket.locked = True
        uow.register(RecordCommitOp(deposit, self.indexer))
