"""The deposit service: every rule about drafts, identity first.

No request, no ``current_user``: callers pass the acting identity, and
mutating methods an optional unit of work (database commit, then index,
then tasks). Its wiring (record classes, schemas, policy, indexer, search,
components) is a :class:`~.config.DepositServiceConfig`; side concerns
(files, PIDs, grants, field protection) are its components, one hook per
action. Methods answer result items (:mod:`cap.modules.records.services.results`).
"""

import dataclasses
import uuid

import jsonpatch
import jsonpointer
from flask import current_app
from invenio_db.uow import unit_of_work
from invenio_pidstore.errors import PIDDeletedError, PIDDoesNotExistError

from ...access.fields import read_only_schema
from ...access.generators import identity_user_id
from ...access.policies import create_policy
from ...core.body import check_json
from ...core.errors import (
    InvalidRequestError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    PublishValidationError,
    RevisionMismatchError,
    ValidationError,
    field_error,
)
from ...core.uow import RecordCommitOp, RecordDeleteOp
from ...files.buckets import new_bucket
from ...records.api import link_bucket, user_metadata
from ...records.services.results import record_item
from ...records.services.service import SearchService
from ...reviews.schemas import is_reviewable
from ...schemas.validation import by_field, normalized, without_values
from ..minters import mint_depid
from ..records.api import STATUS_DRAFT, STATUS_PUBLISHED
from .components import Cloning, Publication
from .config import DepositServiceConfig
from .copying import with_copies
from .errors import DraftPublishedError, NotPublishedError, UnknownDepositTypeError
from .sharing import GRANTEE_TYPES, check_owner_kept, resolve_grantee
from .uow import RecordIndexOp

LEVELS = ("read", "update", "admin")
SHARE_ACTIONS = tuple(f"deposit-{level}" for level in LEVELS)
GRANT_ACTIONS = (*SHARE_ACTIONS, "deposit-review")
"""What the permissions action grants: the share levels, and the review right
(cap.modules.reviews; the owner reviews only when granted it)."""
SHARE_OPS = ("add", "remove")


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


class DepositService(SearchService):
    """Drafts: create, read, update, patch, delete, publish, edit, discard,
    clone, share and search."""

    def __init__(self, config=DepositServiceConfig, indexer=None):
        """Wire the service from ``config``; ``indexer`` replaces the configured one."""
        super().__init__(config)
        self.published_cls = config.published_cls
        self.components = config.components
        self._indexer = indexer

    def _run_components(self, hook, *args, **kwargs):
        """Run ``hook`` of every component, in order."""
        for component_cls in self.components:
            getattr(component_cls(self), hook)(*args, **kwargs)

    @property
    def indexer(self):
        """The indexer of drafts and records."""
        if self._indexer is None:
            self._indexer = self.config.indexer_factory()
        return self._indexer

    def _item(self, identity, deposit, files=None, schema=None, **extra):
        """The result item of a draft (or record) this call read or wrote."""
        return record_item(
            identity, deposit, files=files, schema_info=schema.info if schema else None, **extra
        )

    # -- helpers --------------------------------------------------------
    def _get(self, identity, pid, for_update=False):
        """The draft ``pid``; ``for_update`` (writes) locks it until the commit.

        No existence oracle: a missing draft, and a deleted one the identity
        could not read, answer as a draft it may not read (anonymous 401,
        others 404); only former readers of a deleted draft learn it is gone.
        """
        try:
            return self.record_cls.get_by_pid(pid, for_update=for_update)
        except PIDDoesNotExistError:
            self._hide(identity, pid)
        except PIDDeletedError:
            last = self.record_cls.last_live_json(pid)
            if last is None or not self.policy_cls("read", record=last).allows(identity):
                self._hide(identity, pid)
            raise

    @staticmethod
    def _hide(identity, pid):
        """The answer to whoever may not read the draft ``pid``, whether it exists or not."""
        if is_anonymous(identity):
            raise PermissionDeniedError()
        raise NotFoundError(f"Draft {pid} does not exist.")

    def _require(self, identity, action, deposit):
        """Check ``action``; hide drafts the identity cannot even read (404)."""
        if self.policy_cls(action, record=deposit).allows(identity):
            return
        if action != "read" and not is_anonymous(identity) and self.policy_cls(
            "read", record=deposit
        ).allows(identity):
            raise PermissionDeniedError(f"You do not have the {action} right on this draft.")
        self._hide(identity, deposit.pid)

    def _schema_of(self, deposit):
        return self.config.schemas().get_schema_by_url(deposit["$schema"])

    def _schema_for(self, data):
        """The schema a create body asks for: ``$ana_type`` or ``$schema``."""
        api = self.config.schemas()
        ana_type, url = data.get("$ana_type"), data.get("$schema")
        for key, value in (("$ana_type", ana_type), ("$schema", url)):
            if value is not None and not isinstance(value, str):
                message = f"{key} must be a string."
                raise InvalidRequestError(message, [field_error([key], message)])
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

        The values of fields the schema marks ``x-cap-copy`` are copied first
        (:mod:`.copying`), so the copies are validated (and protected) too.
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
        api = self.config.schemas()
        message = "The metadata does not validate."
        check_json(metadata)  # before the validators recurse into it
        metadata = with_copies(schema, normalized(schema.document("deposit"), metadata))
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
        deposit = self._get(identity, pid)
        self._require(identity, "read", deposit)
        return self._item(identity, deposit)

    def abilities(self, identity, deposit):
        """What the identity may do with the draft."""
        return {
            f"can_{action}": self.policy_cls(action, record=deposit).allows(identity)
            for action in ("read", "update", "admin", "review")
        }

    def with_form(self, identity, item):
        """``item`` (a draft the identity may read) with its form and the
        caller's abilities: the schemas with the fields the caller may not
        change ``readOnly``, the form options and the schema config."""
        self._require(identity, "read", item)
        schema = self._schema_of(item)
        form = {
            "schema": read_only_schema(identity, schema, getattr(schema, "deposit_schema", None)),
            "uiSchema": getattr(schema, "deposit_options", None),
            "config": dict(getattr(schema, "config", None) or {}),
        }
        return dataclasses.replace(item, abilities=self.abilities(identity, item), form=form)

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
        return self._item(  # a new, empty bucket
            identity, deposit, files=[], schema=schema,
            save_errors={"not_saved": refused, "errors": reported},
        )

    def _create_draft(self, schema, metadata, user_id, uow, bucket, extra=None):
        record_id = uuid.uuid4()
        depid = mint_depid(record_id)
        data = dict(metadata)
        data["$schema"] = self.config.schemas().schema_url(schema, kind="deposit")
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
        uow.register(RecordIndexOp(deposit, self.indexer, index_refresh=True))
        return deposit

    @unit_of_work()
    def update(self, identity, pid, data, revision_id=None, uow=None, lenient=False):
        """Replace the user metadata (``revision_id``: the If-Match check;
        ``lenient``: save what validates, see :meth:`_validate`)."""
        data = self._body_object(data)
        deposit = self._get(identity, pid, for_update=True)
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
        uow.register(RecordCommitOp(deposit, self.indexer, index_refresh=True))
        return self._item(identity, deposit, schema=schema,
                          save_errors={"not_saved": refused, "errors": reported})

    @unit_of_work()
    def patch(self, identity, pid, patch, revision_id=None, uow=None, lenient=False):
        """Apply an RFC 6902 JSON patch to the user metadata."""
        deposit = self._get(identity, pid, for_update=True)
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
        limit = current_app.config["CAP_DEPOSIT_MAX_PATCH_OPERATIONS"]
        if len(patch) > limit:
            raise PayloadTooLargeError(
                f"The patch has {len(patch)} operations; at most {limit} are allowed."
            )
        errors = []
        for index, op in enumerate(patch):
            if not isinstance(op, dict) or "path" not in op:
                errors.append(field_error(f"{index}", "An operation needs a path."))
                continue
            for key in ("path", "from"):
                path = op.get(key)
                if path is None:
                    continue
                if not isinstance(path, str):
                    errors.append(field_error([index, key], f"{key} must be a JSON pointer."))
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
        deposit = self._get(identity, pid, for_update=True)
        self._require(identity, "admin", deposit)
        if deposit.is_published:
            raise DraftPublishedError("Published drafts cannot be deleted.")
        self._run_components("delete", identity, deposit, uow=uow)
        uow.register(RecordDeleteOp(deposit, self.indexer, index_refresh=True))
        return deposit

    @unit_of_work()
    def publish(self, identity, pid, uow=None):
        """Validate fully and publish: new record, or a new revision of it."""
        deposit = self._get(identity, pid, for_update=True)
        self._require(identity, "admin", deposit)
        if deposit.status == STATUS_PUBLISHED:
            raise DraftPublishedError("The draft is already published; edit it first.")
        api = self.config.schemas()
        schema = self._schema_of(deposit)
        metadata = deposit.metadata
        errors = api.validate(schema, metadata, kind="record", full=True)
        if errors:
            raise PublishValidationError(
                "The draft is not ready to publish: fix the listed fields.", errors
            )
        record = self.published_cls.get_by_pid(deposit.recid) if deposit.is_published else None
        data = dict(metadata)
        data["$schema"] = api.schema_url(schema, kind="record")
        data["_deposit"] = {
            "id": deposit.pid,
            "created_by": deposit["_deposit"].get("created_by"),
            "owners": list(deposit["_deposit"].get("owners", [])),
            # The author of this revision, for the record's revision list.
            "published_by": identity_user_id(identity),
        }
        if deposit.get("_experiment"):
            data["_experiment"] = deposit["_experiment"]
        publication = Publication(
            draft=deposit, schema=schema, data=data, record=record,
            record_id=record.id if record is not None else uuid.uuid4(),
        )
        self._run_components("publish", identity, publication, uow=uow)
        record = self._write_record(publication, uow)
        deposit["_deposit"]["status"] = STATUS_PUBLISHED
        deposit["_deposit"]["pid"] = {
            "type": "recid",
            "value": record["control_number"],
            "revision_id": record.revision_id,
        }
        uow.register(RecordCommitOp(deposit, self.indexer))
        return self._item(identity, deposit, files=publication.files, schema=schema)

    def _write_record(self, publication, uow):
        """Write the record the components built: a new one, or a new revision."""
        data, bucket, record = publication.data, publication.bucket, publication.record
        if record is None:
            record = self.published_cls.create_with_bucket(
                data, bucket, id_=publication.record_id
            )
            uow.register(RecordIndexOp(record, self.indexer))
            return record
        self.published_cls.dump_bucket(data, bucket)
        record.clear()
        record.update(data)
        link_bucket(record, bucket)
        uow.register(RecordCommitOp(record, self.indexer))
        return record

    @unit_of_work()
    def edit(self, identity, pid, uow=None):
        """Reopen a published draft for changes; unlock its bucket (update)."""
        deposit = self._get(identity, pid, for_update=True)
        self._require(identity, "update", deposit)
        if deposit.status != STATUS_PUBLISHED:
            raise NotPublishedError("The draft is not published: it is editable already.")
        deposit["_deposit"]["status"] = STATUS_DRAFT
        self._run_components("edit", identity, deposit, uow=uow)
        uow.register(RecordCommitOp(deposit, self.indexer))
        return self._item(identity, deposit)

    @unit_of_work()
    def discard(self, identity, pid, uow=None):
        """Throw away draft changes: back to the last published state (update)."""
        deposit = self._get(identity, pid, for_update=True)
        self._require(identity, "update", deposit)
        if not deposit.is_published:
            raise NotPublishedError("The draft was never published: nothing to go back to.")
        record = self.published_cls.get_by_pid(deposit.recid)
        deposit.replace_metadata(record.metadata)
        self._run_components("discard", identity, deposit, record, uow=uow)
        deposit["_deposit"]["status"] = STATUS_PUBLISHED
        deposit["_deposit"]["pid"]["revision_id"] = record.revision_id
        uow.register(RecordCommitOp(deposit, self.indexer))
        return self._item(identity, deposit)

    @unit_of_work()
    def clone(self, identity, pid, uow=None):
        """A new draft owned by the caller, with the metadata and a file snapshot."""
        source = self._get(identity, pid)
        self._require(identity, "read", source)
        schema = self._schema_of(source)
        create_policy(schema, self.policy_cls).require(identity)
        cloning = Cloning(source=source)
        self._run_components("clone", identity, cloning, uow=uow)
        deposit = self._create_draft(
            schema,
            source.metadata,
            identity_user_id(identity),
            uow,
            bucket=cloning.bucket,
            extra={"cloned_from": {"id": source.pid, "revision_id": source.revision_id}},
        )
        return self._item(identity, deposit, schema=schema)

    @unit_of_work()
    def update_permissions(self, identity, pid, entries, uow=None):
        """Share or unshare the draft with users and e-groups (admin)."""
        deposit = self._get(identity, pid, for_update=True)
        self._require(identity, "admin", deposit)
        changes = self._parse_sharing(entries)
        self._check_review_grants(deposit, changes)
        check_owner_kept(deposit["_deposit"].get("created_by"), changes)
        access = deposit.setdefault("_access", {})
        for _, op, action, kind, grantee in changes:
            grant = access.setdefault(action, _empty_grant())
            members = grant.setdefault(kind, [])
            if op == "add" and grantee not in members:
                members.append(grantee)
            elif op == "remove" and grantee in members:
                members.remove(grantee)
        # Searchable at once: a former grantee's next search must not find it.
        uow.register(RecordCommitOp(deposit, self.indexer, index_refresh=True))
        self._run_components("share", identity, deposit, uow=uow)
        return self._item(identity, deposit)

    def _check_review_grants(self, deposit, changes):
        """The review right exists only where the deposit type takes reviews."""
        if is_reviewable(self._schema_of(deposit)):
            return
        errors = [field_error([index, "action"], "This deposit type takes no reviews.")
                  for index, _, action, _, _ in changes if action == "deposit-review"]
        if errors:
            raise InvalidRequestError("Some permission changes are not valid.", errors)

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
            if action not in GRANT_ACTIONS:
                errors.append(
                    field_error(f"{index}.action", f"Use one of {', '.join(GRANT_ACTIONS)}.")
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
            changes.append((index, op, action, kind, grantee))
        if errors:
            raise InvalidRequestError("Some permission changes are not valid.", errors)
        return changes
