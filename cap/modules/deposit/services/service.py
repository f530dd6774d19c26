"""The deposit service: every rule about drafts, identity first.

No request, no ``current_user``: callers pass the acting identity, and
mutating methods an optional unit of work (database commit, then index,
then tasks). Permissions come from :class:`DepositPermissionPolicy` only.
"""

import uuid

import jsonpatch
import jsonpointer
from flask import current_app
from invenio_db.uow import unit_of_work
from invenio_files_rest.models import MultipartObject
from invenio_pidstore.errors import PIDDoesNotExistError
from invenio_pidstore.models import PersistentIdentifier

from ...access.components import ACCESS_COMPONENTS
from ...access.components import record_grants as record_access
from ...access.generators import identity_user_id
from ...access.policies import DepositPermissionPolicy, create_policy
from ...core.errors import (
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    PublishValidationError,
    RevisionMismatchError,
    ValidationError,
    field_error,
)
from ...core.uow import RecordCommitOp, RecordDeleteOp
from ...files.buckets import new_bucket
from ...files.snapshots import snapshot_bucket
from ...records.api import (
    PublishedRecord,
    dump_copies,
    dump_files,
    link_bucket,
    user_metadata,
)
from ...schemas.validation import by_field, normalized, without_values
from ..indexer import get_indexer
from ..minters import mint_depid, mint_recid
from ..records.api import STATUS_DRAFT, STATUS_PUBLISHED, Deposit
from .errors import (
    DraftPublishedError,
    NotPublishedError,
    UnknownDepositTypeError,
    UploadsInProgressError,
)
from .search import run_search, search_request
from .sharing import GRANTEE_TYPES, resolve_grantee
from .uow import RecordIndexOp

LEVELS = ("read", "update", "admin")
SHARE_ACTIONS = tuple(f"deposit-{level}" for level in LEVELS)
SHARE_OPS = ("add", "remove")


def schemas_api():
    """The schema registry (imported late: it is a sibling module)."""
    from ...schemas import api

    return api


def _empty_grant():
    return {"users": [], "roles": []}


def initial_access(user_id, reviewable=False):
    """Grants of a new draft: the creator reads, updates and administers it."""
    keys = list(SHARE_ACTIONS) + (["deposit-review"] if reviewable else [])
    access = {key: _empty_grant() for key in keys}
    if user_id is not None:
        for key in SHARE_ACTIONS:
            access[key]["users"].append(user_id)
    return access


def is_anonymous(identity):
    """Whether the identity is not logged in."""
    return identity is None or identity.id is None


def _failing_path(document, patch):
    """The field the first operation of ``patch`` that does not apply to ``document`` targets.

    Its ``path`` as pointer parts (``/basic_info/cadi_id`` -> ``["basic_info", "cadi_id"]``);
    ``[index, "path"]`` when that is not a JSON pointer.
    """
    for index, op in enumerate(patch):
        try:
            document = jsonpatch.apply_patch(document, [op])
        except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException):
            try:
                return jsonpointer.JsonPointer(op["path"]).parts
            except jsonpointer.JsonPointerException:
                return [index, "path"]
    return []


class DepositService:
    """Drafts: create, read, update, patch, delete, publish, edit, discard,
    clone, share and search."""

    record_cls = Deposit
    published_cls = PublishedRecord
    policy_cls = DepositPermissionPolicy
    components = ACCESS_COMPONENTS

    def __init__(self, indexer=None):
        """Use ``indexer`` (default: the shared drafts/records indexer)."""
        self._indexer = indexer

    def _run_components(self, hook, *args, **kwargs):
        """Run ``hook`` of every component, in order."""
        for component_cls in self.components:
            getattr(component_cls(self), hook)(*args, **kwargs)

    @property
    def indexer(self):
        """The indexer of drafts and records."""
        if self._indexer is None:
            self._indexer = get_indexer()
        return self._indexer

    # -- helpers --------------------------------------------------------
    def _get(self, pid):
        try:
            return self.record_cls.get_by_pid(pid)
        except PIDDoesNotExistError:
            raise NotFoundError(f"Draft {pid} does not exist.") from None

    def _require(self, identity, action, deposit):
        """Check ``action``; hide drafts the identity cannot even read (404)."""
        if self.policy_cls(action, record=deposit).allows(identity):
            return
        if is_anonymous(identity):
            raise PermissionDeniedError()
        if action != "read" and self.policy_cls("read", record=deposit).allows(identity):
            raise PermissionDeniedError(f"You do not have the {action} right on this draft.")
        raise NotFoundError(f"Draft {deposit.pid} does not exist.")

    def _schema_of(self, deposit):
        return schemas_api().get_schema_by_url(deposit["$schema"])

    def _schema_for(self, data):
        """The schema a create body asks for: ``$ana_type`` or ``$schema``."""
        api = schemas_api()
        ana_type, url = data.get("$ana_type"), data.get("$schema")
        if ana_type:
            try:
                return api.get_schema(ana_type)
            except NotFoundError:
                message = f"Unknown $ana_type {ana_type!r}."
                raise UnknownDepositTypeError(
                    message, [field_error("$ana_type", message)]
                ) from None
        if url:
            try:
                return api.get_schema_by_url(url)
            except NotFoundError:
                message = f"Unknown $schema {url!r}."
                raise UnknownDepositTypeError(
                    message, [field_error("$schema", message)]
                ) from None
        message = "Give the deposit type as $ana_type (or a $schema URL)."
        raise UnknownDepositTypeError(message, [field_error("$ana_type", message)])

    def _validate(self, schema, metadata, deposit=None, lenient=False):
        """``(metadata to store, refused, reported)`` of a draft save.

        Without ``required`` always. A save fails on any error, as cap-client
        and the legacy service expect, unless ``lenient`` (the editor's
        autosave, ``Prefer: handling=lenient``): then only types count, as
        drafts promise; other schema errors (patterns, enums ...) are saved
        and ``reported`` (publish refuses them), and values of the wrong
        type, unknown fields and values the ``cap.deposit.validators`` hooks
        refuse (DAS, triggers, a CADI id another draft holds) are
        ``refused``: they keep their last saved value (or stay out) while
        the rest is saved.
        """
        api = schemas_api()
        message = "The metadata does not validate."
        metadata = normalized(schema.document("deposit"), metadata)
        refused, reported = api.validate_draft(schema, metadata)
        if not lenient and (refused or reported):
            raise ValidationError(message, sorted(refused + reported, key=by_field))
        previous = deposit.metadata if deposit is not None else {}
        stored = without_values(metadata, previous, refused)
        if stored is None:
            raise ValidationError(message, refused)
        flagged = {tuple(error["field"]) for error in reported}  # the schema said it first
        checked = [
            error
            for validator in current_app.extensions["cap-deposit"].validators
            for error in validator(schema, stored, deposit=deposit)
            if tuple(error["field"]) not in flagged
        ]
        if checked and not lenient:
            raise ValidationError(message, checked)
        stored = without_values(stored, previous, checked)
        # A value put back may fail a rule newer than its save: then nothing is saved.
        if stored is None or api.validate_draft(schema, stored)[0]:
            raise ValidationError(message, refused + checked)
        return stored, refused + checked, reported

    @staticmethod
    def _check_revision(deposit, revision_id):
        if revision_id is not None and int(revision_id) != deposit.revision_id:
            raise RevisionMismatchError(
                f"The draft is at revision {deposit.revision_id}, not {revision_id}."
            )

    @staticmethod
    def _body_object(data):
        if not isinstance(data, dict):
            raise InvalidRequestError("The body must be a JSON object.")
        return data

    # -- reading --------------------------------------------------------
    def read(self, identity, pid):
        """The draft ``pid`` (read right)."""
        deposit = self._get(pid)
        self._require(identity, "read", deposit)
        return deposit

    def abilities(self, identity, deposit):
        """What the identity may do with the draft (for serializers)."""
        return {
            f"can_{action}": self.policy_cls(action, record=deposit).allows(identity)
            for action in ("read", "update", "admin", "review")
        }

    def schema_of(self, identity, deposit):
        """The schema of a draft the identity may read."""
        self._require(identity, "read", deposit)
        return self._schema_of(deposit)

    def search(self, identity, params, pending=None):
        """Drafts the identity may read; returns ``(engine answer, params)``.

        ``pending``: the search sent ahead (``search.speculation``), if any.
        """
        return run_search(identity, params, "deposits", self.policy_cls("read"), pending=pending)

    def search_request(self, identity, params):
        """The engine request :meth:`search` sends for ``identity``."""
        return search_request(identity, params, "deposits", self.policy_cls("read"))[0]

    # -- writing --------------------------------------------------------
    @unit_of_work()
    def create(self, identity, data, uow=None, fetched_from=None, lenient=False):
        """A new draft of the type ``$ana_type`` (latest version) or ``$schema``.

        ``fetched_from`` marks a draft made by a harvester (e.g. ``"cadi"``);
        ``lenient``: save what validates (see :meth:`_validate`).
        """
        data = self._body_object(data)
        schema = self._schema_for(data)
        create_policy(schema, self.policy_cls).require(identity)
        metadata, refused, reported = self._validate(
            schema, user_metadata(data), lenient=lenient
        )
        self._run_components("create", identity, schema, metadata, uow=uow)
        user_id = identity_user_id(identity)
        deposit = self._create_draft(
            schema,
            metadata,
            user_id,
            uow,
            bucket=new_bucket(),
            extra={"fetched_from": fetched_from} if fetched_from else None,
        )
        deposit.files_dump = []  # its bucket was made just now
        deposit.save_errors = {"not_saved": refused, "errors": reported}
        return deposit

    def _create_draft(self, schema, metadata, user_id, uow, bucket, extra=None):
        record_id = uuid.uuid4()
        depid = mint_depid(record_id)
        data = dict(metadata)
        data["$schema"] = schemas_api().schema_url(schema, kind="deposit")
        data["_deposit"] = {
            "id": depid.pid_value,
            "status": STATUS_DRAFT,
            "created_by": user_id,
            "owners": [user_id] if user_id is not None else [],
            **(extra or {}),
        }
        data["_access"] = initial_access(
            user_id, reviewable=bool((schema.config or {}).get("reviewable"))
        )
        if schema.experiment:
            data["_experiment"] = schema.experiment
        deposit = self.record_cls.create_with_bucket(data, bucket, id_=record_id)
        deposit.schema_info = schema.info
        uow.register(RecordIndexOp(deposit, self.indexer))
        return deposit

    @unit_of_work()
    def update(self, identity, pid, data, revision_id=None, uow=None, lenient=False):
        """Replace the user metadata (``revision_id``: the If-Match check;
        ``lenient``: save what validates, see :meth:`_validate`)."""
        data = self._body_object(data)
        deposit = self._get(pid)
        self._require(identity, "update", deposit)
        self._check_revision(deposit, revision_id)
        return self._save_metadata(deposit, user_metadata(data), uow, identity, lenient)

    def _save_metadata(self, deposit, metadata, uow, identity=None, lenient=False):
        if deposit.status == STATUS_PUBLISHED:
            raise DraftPublishedError()
        schema = self._schema_of(deposit)
        metadata, refused, reported = self._validate(
            schema, metadata, deposit=deposit, lenient=lenient
        )
        self._run_components("update", identity, deposit, schema, metadata, uow=uow)
        deposit.replace_metadata(metadata)
        deposit.schema_info = schema.info
        deposit.save_errors = {"not_saved": refused, "errors": reported}
        uow.register(RecordCommitOp(deposit, self.indexer))
        return deposit

    @unit_of_work()
    def patch(self, identity, pid, patch, revision_id=None, uow=None, lenient=False):
        """Apply an RFC 6902 JSON patch to the user metadata."""
        deposit = self._get(pid)
        self._require(identity, "update", deposit)
        self._check_revision(deposit, revision_id)
        self._check_patch(patch)
        try:
            metadata = jsonpatch.apply_patch(deposit.metadata, patch)
        except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException) as error:
            field = _failing_path(deposit.metadata, patch)
            raise InvalidRequestError(
                f"The patch does not apply: {error}", [field_error(field, str(error))]
            ) from None
        if not isinstance(metadata, dict):
            raise InvalidRequestError("The patch must leave a JSON object.")
        return self._save_metadata(deposit, metadata, uow, identity, lenient)

    @staticmethod
    def _check_patch(patch):
        if not isinstance(patch, list):
            raise InvalidRequestError("A JSON patch is a list of operations.")
        errors = []
        for index, op in enumerate(patch):
            if not isinstance(op, dict) or not isinstance(op.get("path"), str):
                errors.append(field_error(f"{index}", "An operation needs a path."))
                continue
            for key in ("path", "from"):
                path = op.get(key)
                if path is None:
                    continue
                top = path.split("/")[1] if path.startswith("/") else path
                if path in ("", "/") or top.startswith(("_", "$")) or top == "control_number":
                    errors.append(
                        field_error(f"{index}.{key}", f"{path!r} is not a user field.")
                    )
        if errors:
            raise InvalidRequestError("The patch touches fields you cannot change.", errors)

    @unit_of_work()
    def delete(self, identity, pid, uow=None):
        """Delete a never-published draft, its PID and its bucket (admin)."""
        deposit = self._get(pid)
        self._require(identity, "admin", deposit)
        if deposit.is_published:
            raise DraftPublishedError("Published drafts cannot be deleted.")
        PersistentIdentifier.get(self.record_cls.pid_type, pid).delete()
        bucket = deposit.bucket
        if bucket is not None:
            bucket.locked = False
            bucket.deleted = True
        uow.register(RecordDeleteOp(deposit, self.indexer))
        return deposit

    @unit_of_work()
    def publish(self, identity, pid, uow=None):
        """Validate fully and publish: new record, or a new revision of it."""
        deposit = self._get(pid)
        self._require(identity, "admin", deposit)
        if deposit.status == STATUS_PUBLISHED:
            raise DraftPublishedError("The draft is already published; edit it first.")
        api = schemas_api()
        schema = self._schema_of(deposit)
        metadata = deposit.metadata
        errors = api.validate(schema, metadata, kind="record", full=True)
        if errors:
            raise PublishValidationError(
                "The draft is not ready to publish: fix the listed fields.", errors
            )
        bucket = deposit.bucket
        pending = MultipartObject.query.filter_by(bucket_id=bucket.id, completed=False)
        if pending.count():
            raise UploadsInProgressError(
                "Some uploads are not complete yet.",
                [field_error([m.key], "Upload not complete.") for m in pending],
            )
        api_url = current_app.config["SITE_API_URL"]
        files = dump_files(bucket, api_url)  # once: the answer's, and the record's copies
        versions = {}
        snapshot = snapshot_bucket(bucket, lock=True, versions=versions)
        bucket.locked = True
        data = dict(metadata)
        data["$schema"] = api.schema_url(schema, kind="record")
        data["_deposit"] = {
            "id": deposit.pid,
            "created_by": deposit["_deposit"].get("created_by"),
            "owners": list(deposit["_deposit"].get("owners", [])),
        }
        data["_access"] = record_access(deposit.get("_access"))
        if deposit.get("_experiment"):
            data["_experiment"] = deposit["_experiment"]
        data["_files"] = dump_copies(files, snapshot.id, versions, api_url)
        if data["_files"] is None:
            data["_files"] = dump_files(snapshot, api_url)
        data["_bucket"] = str(snapshot.id)
        if deposit.is_published:
            recid = deposit.recid
            record = self.published_cls.get_by_pid(recid)
            data["control_number"] = recid
            data["_deposit"]["pid"] = {"type": "recid", "value": recid}
            record.clear()
            record.update(data)
            link_bucket(record, snapshot)
            record._bucket = snapshot
            uow.register(RecordCommitOp(record, self.indexer))
        else:
            record_id = uuid.uuid4()
            pid_ = mint_recid(
                record_id,
                experiment=deposit.get("_experiment"),
                pid_format=(schema.config or {}).get("pid_format"),
            )
            data["control_number"] = pid_.pid_value
            data["_deposit"]["pid"] = {"type": "recid", "value": pid_.pid_value}
            record = self.published_cls.create_with_bucket(data, snapshot, id_=record_id)
            uow.register(RecordIndexOp(record, self.indexer))
        deposit["_deposit"]["status"] = STATUS_PUBLISHED
        deposit["_deposit"]["pid"] = {
            "type": "recid",
            "value": record["control_number"],
            "revision_id": record.revision_id,
        }
        uow.register(RecordCommitOp(deposit, self.indexer))
        deposit.files_dump = files
        return deposit

    @unit_of_work()
    def edit(self, identity, pid, uow=None):
        """Reopen a published draft for changes; unlock its bucket (update)."""
        deposit = self._get(pid)
        self._require(identity, "update", deposit)
        if deposit.status != STATUS_PUBLISHED:
            raise NotPublishedError("The draft is not published: it is editable already.")
        deposit["_deposit"]["status"] = STATUS_DRAFT
        deposit.bucket.locked = False
        uow.register(RecordCommitOp(deposit, self.indexer))
        return deposit

    @unit_of_work()
    def discard(self, identity, pid, uow=None):
        """Throw away draft changes: back to the last published state (update)."""
        deposit = self._get(pid)
        self._require(identity, "update", deposit)
        if not deposit.is_published:
            raise NotPublishedError("The draft was never published: nothing to go back to.")
        record = self.published_cls.get_by_pid(deposit.recid)
        deposit.replace_metadata(record.metadata)
        bucket = deposit.bucket
        bucket.locked = False
        record.bucket.sync(bucket, delete_extras=True)
        bucket.locked = True
        deposit["_deposit"]["status"] = STATUS_PUBLISHED
        deposit["_deposit"]["pid"]["revision_id"] = record.revision_id
        uow.register(RecordCommitOp(deposit, self.indexer))
        return deposit

    @unit_of_work()
    def clone(self, identity, pid, uow=None):
        """A new draft owned by the caller, with the metadata and a file snapshot."""
        source = self._get(pid)
        self._require(identity, "read", source)
        schema = self._schema_of(source)
        create_policy(schema, self.policy_cls).require(identity)
        bucket = snapshot_bucket(source.bucket, lock=False)
        return self._create_draft(
            schema,
            source.metadata,
            identity_user_id(identity),
            uow,
            bucket=bucket,
            extra={"cloned_from": {"id": source.pid, "revision_id": source.revision_id}},
        )

    @unit_of_work()
    def update_permissions(self, identity, pid, entries, uow=None):
        """Share or unshare the draft with users and e-groups (admin)."""
        deposit = self._get(pid)
        self._require(identity, "admin", deposit)
        changes = self._parse_sharing(entries)
        access = deposit.setdefault("_access", {})
        for op, action, kind, grantee in changes:
            grant = access.setdefault(action, _empty_grant())
            members = grant.setdefault(kind, [])
            if op == "add" and grantee not in members:
                members.append(grantee)
            elif op == "remove" and grantee in members:
                members.remove(grantee)
        uow.register(RecordCommitOp(deposit, self.indexer))
        self._run_components("share", identity, deposit, uow=uow)
        return deposit

    @staticmethod
    def _parse_sharing(entries):
        if isinstance(entries, dict):
            entries = [entries]
        if not isinstance(entries, list) or not entries:
            raise InvalidRequestError("Give a list of permission changes.")
        errors, changes = [], []
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                errors.append(field_error(f"{index}", "Each change is an object."))
                continue
            type_, op, action = entry.get("type"), entry.get("op"), entry.get("action")
            bad = False
            if type_ not in GRANTEE_TYPES:
                errors.append(field_error(f"{index}.type", "Use user or egroup."))
                bad = True
            if op not in SHARE_OPS:
                errors.append(field_error(f"{index}.op", "Use add or remove."))
                bad = True
            if action not in SHARE_ACTIONS:
                errors.append(
                    field_error(f"{index}.action", f"Use one of {', '.join(SHARE_ACTIONS)}.")
                )
                bad = True
            if not isinstance(entry.get("email"), str) or not entry["email"].strip():
                errors.append(field_error(f"{index}.email", "An email address is needed."))
                bad = True
            if bad:
                continue
            try:
                grantee = resolve_grantee(type_, entry["email"], field=f"{index}.email")
            except InvalidRequestError as error:
                errors.extend(error.errors)
                continue
            kind = "users" if type_ == "user" else "roles"
            changes.append((op, action, kind, grantee))
        if errors:
            raise InvalidRequestError("Some permission changes are not valid.", errors)
        return changes
