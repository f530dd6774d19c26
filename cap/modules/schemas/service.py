"""The schemas service: the rules behind the REST API, identity first.

Every method takes the acting identity first and raises plain errors
(``errors.py``, ``cap.modules.core.errors``); mutating methods take an
optional unit of work: a new schema's empty indexes are created before
the commit (and dropped on rollback), a deleted one's after the commit.
"""

import contextlib

import jsonpatch
from invenio_access import Permission
from invenio_access.models import ActionRoles, ActionUsers
from invenio_access.permissions import authenticated_user
from invenio_accounts.models import Role, User
from invenio_db import db
from invenio_db.uow import ModelCommitOp, ModelDeleteOp, Operation, unit_of_work

from ..access.generators import (
    ExperimentMember,
    identity_roles,
    identity_user_id,
    is_superuser,
)
from ..access.policies import SchemaPermissionPolicy
from ..core.errors import (
    InvalidRequestError,
    PermissionDeniedError,
    ValidationError,
    field_error,
)
from ..instance.fixtures import ensure_role
from ..records.proxies import current_record_service
from . import api
from .definition import IMMUTABLE_FIELDS, load_definition
from .errors import SchemaChangedError, SchemaExistsError, SchemaInUseError, SchemaNotFoundError
from .models import Schema
from .permissions import DEPOSIT_SCHEMA_ACTIONS, RECORD_SCHEMA_ACTIONS, SCHEMA_ACTIONS, schema_need


def can(identity, action, schema=None):
    """Whether ``identity`` may ``action`` (list|read|update|delete|manage) ``schema``.

    Deny by default; superusers may do everything:
    - list: any authenticated identity (it sees only what it may read);
    - read: members of the schema's experiment (any authenticated identity
      for an experiment-free schema or one with ``allow_all``) and holders
      of any schema-level grant;
    - update, delete, manage (grants, mappings): holders of ``deposit-schema-admin``;
    Creating a schema is :meth:`SchemaService.create`'s (the access policy's).
    """
    if is_superuser(identity):
        return True
    if action == "list":
        return authenticated_user in identity.provides
    if action == "read":
        if schema.allow_all and authenticated_user in identity.provides:
            return True
        members = ExperimentMember().needs(record={"_experiment": schema.experiment})
        if members and Permission(*members).allows(identity):
            return True
        return _holds(identity, SCHEMA_ACTIONS, schema.name)
    if action in ("update", "delete", "manage"):
        return _holds(identity, ("deposit-schema-admin",), schema.name)
    return False


def _holds(identity, actions, name):
    """Whether the identity's user or roles hold one of ``actions`` on schema ``name``.

    One query per table (what expanding nine action needs per schema with
    invenio-access would take dozens for); a grant without argument covers
    every schema.
    """
    user_id, roles = identity_user_id(identity), identity_roles(identity)
    holders = []
    if user_id is not None:
        holders.append((ActionUsers, ActionUsers.user_id == user_id))
    if roles:
        holders.append((ActionRoles, ActionRoles.role_id.in_(roles)))
    return any(
        model.query.filter(
            holder,
            model.action.in_(actions),
            db.or_(model.argument == name, model.argument.is_(None)),
            model.exclude.is_(False),
        ).first()
        is not None
        for model, holder in holders
    )


def require(identity, action, schema=None):
    """Raise :class:`PermissionDeniedError` unless :func:`can`."""
    if not can(identity, action, schema):
        raise PermissionDeniedError()


class CreateIndexesOp(Operation):
    """Create a new schema's (empty) indexes before the commit, drop them on rollback.

    Creating them first makes a mapping the search engine refuses an input
    error (400) instead of a schema committed without its indexes.
    """

    def __init__(self, schema):
        """Remember the schema."""
        self._schema = schema
        self._created = []

    def on_register(self, uow):
        """Create the indexes now."""
        self._created = api.create_indexes(self._schema)

    def on_rollback(self, uow):
        """The schema was not stored: drop its indexes."""
        api.delete_index_names(self._created)


class OnCommitOp(Operation):
    """Call ``func(*args)`` once the database transaction is committed."""

    def __init__(self, func, *args):
        """Remember the call."""
        self._func, self._args = func, args

    def on_commit(self, uow):
        """Make the call."""
        self._func(*self._args)


class SchemaService:
    """Read, list, create, update, delete schemas and manage their grants."""

    # Reading
    # =======

    def read(self, identity, name, version=None):
        """The schema (latest version by default) if the identity may read it.

        A reader of a record may read the version it was published with
        (its record page shows the record in that schema's words), even
        without the right to read the schema otherwise.
        """
        schema = api.get_schema(name, version)
        if not can(identity, "read", schema) and not current_record_service.reads_any_of(
            identity, api.schema_url(schema, "record")
        ):
            raise PermissionDeniedError()
        return schema

    def list(self, identity, latest_only=False):
        """The schemas the identity may read."""
        require(identity, "list")
        return [
            schema
            for schema in api.list_schemas(latest_only=latest_only)
            if can(identity, "read", schema)
        ]

    def versions(self, identity, name):
        """Every version of ``name`` the identity may read, oldest first."""
        require(identity, "list")
        readable = [schema for schema in api.versions_of(name) if can(identity, "read", schema)]
        if not readable:
            raise PermissionDeniedError()
        return readable

    def can(self, identity, action, schema=None):
        """Whether ``identity`` may ``action`` the schema (see :func:`can`)."""
        return can(identity, action, schema)

    def validate(self, identity, name, version, documents, kind="deposit", full=True):
        """Validate each document: ``[{"valid", "errors": [{"field", "message"}]}]``."""
        schema = self.read(identity, name, version)
        if kind not in api.KINDS:
            raise InvalidRequestError(
                "Unknown kind.", errors=[field_error("kind", "deposit or record")]
            )
        if isinstance(documents, dict):
            documents = [documents]
        if not isinstance(documents, list) or not all(isinstance(d, dict) for d in documents):
            raise InvalidRequestError("Expected a list of JSON objects.")
        results = []
        for document in documents:
            errors = api.validate(schema, document, kind=kind, full=full)
            results.append({"valid": not errors, "errors": errors})
        return results

    # Writing
    # =======

    def design_scope(self, identity):
        """What the identity may build in the content builder:
        ``{"any": bool (new types too), "names": [types it may version]}``.

        Superusers build anything; administrators of a type its new versions.
        """
        SchemaPermissionPolicy("design").require(identity)
        names = [schema.name for schema in api.list_schemas(latest_only=True)]
        if is_superuser(identity):
            return {"any": True, "names": names}
        return {"any": False, "names": [
            name for name in names
            if SchemaPermissionPolicy("create_version", schema=name).allows(identity)
        ]}

    def _require_create(self, identity, data):
        """A new type: superusers; a new version of a type: also its administrators,
        keeping the type's experiment (else they could move it to another)."""
        if is_superuser(identity):
            return
        name = data.get("name") if isinstance(data, dict) else None
        latest = None
        if isinstance(name, str):
            with contextlib.suppress(SchemaNotFoundError):
                latest = api.get_schema(name)
        if latest is None or not SchemaPermissionPolicy("create_version", schema=name).allows(
            identity
        ):
            raise PermissionDeniedError()
        if data.get("experiment") != latest.experiment:
            raise ValidationError(
                "A new version keeps the experiment of its type.",
                errors=[field_error("experiment", f"Must be {latest.experiment!r}, as in "
                                    f"v{latest.version}: only superusers change it.")],
            )

    @unit_of_work()
    def create(self, identity, data, uow=None):
        """Create a schema version with its indexes.

        Published versions never change: an existing name and version is a
        conflict (:class:`SchemaExistsError`), whatever the body says.
        """
        self._require_create(identity, data)
        definition = load_definition(data)
        api.check_refs(definition)
        try:
            api.get_schema(definition["name"], definition["version"])
        except SchemaNotFoundError:
            pass
        else:
            raise SchemaExistsError(
                f"{definition['name']} v{definition['version']} exists already: "
                "give the new version another number.",
                errors=[field_error("version", "Exists already.")],
            )
        schema = api.apply_definition(Schema(), definition)
        uow.register(ModelCommitOp(schema))
        uow.register(CreateIndexesOp(schema))
        return schema

    @unit_of_work()
    def update(self, identity, name, version, data, uow=None):
        """Replace the editable parts: fullname, config and UI options.

        The data parts (schemas, mappings, experiment...) of a version never
        change: a change needs a new version (:class:`SchemaChangedError`).
        """
        schema = api.get_schema(name, version)
        require(identity, "update", schema)
        if not isinstance(data, dict):
            raise InvalidRequestError("Expected a JSON object.")
        data = {"name": schema.name, "version": schema.version, **data}
        in_url = {"name": (schema.name,), "version": (schema.version, f"v{schema.version}")}
        errors = [
            field_error(field, "Does not match the URL.")
            for field, allowed in in_url.items()
            if str(data[field]) not in allowed
        ]
        if errors:
            raise ValidationError("The body names another schema.", errors=errors)
        definition = load_definition(data)
        changed = api.changed_fields(schema, definition, IMMUTABLE_FIELDS)
        if changed:
            raise SchemaChangedError(
                f"{', '.join(changed)} of {schema.name} v{schema.version} cannot change: "
                "create a new version instead.",
                errors=[field_error(field, "Needs a new version.") for field in changed],
            )
        api.apply_definition(schema, definition)
        uow.register(ModelCommitOp(schema))
        return schema

    def patch(self, identity, name, version, changes, uow=None):
        """Update with a JSON Patch (a list of operations) or a partial object."""
        schema = api.get_schema(name, version)
        require(identity, "update", schema)
        current = schema.to_dict()
        if isinstance(changes, list):
            try:
                data = jsonpatch.apply_patch(current, changes)
            except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException) as error:
                raise InvalidRequestError(f"Invalid JSON Patch: {error}") from None
        elif isinstance(changes, dict):
            data = {**current, **changes}
        else:
            raise InvalidRequestError("Expected a JSON Patch list or a JSON object.")
        return self.update(identity, name, version, data, uow=uow)

    @unit_of_work()
    def delete(self, identity, name, version, uow=None):
        """Delete a schema version and, after commit, its indexes.

        Refused while its indexes hold documents (deposits or records).
        """
        schema = api.get_schema(name, version)
        require(identity, "delete", schema)
        if api.count_documents(schema):
            raise SchemaInUseError(
                f"{schema.name} v{schema.version} has deposits or records: not deleted."
            )
        indexes = api.index_names(schema)
        uow.register(ModelDeleteOp(schema))
        uow.register(OnCommitOp(api.delete_index_names, indexes))

    # Schema-level grants
    # ===================

    def read_permissions(self, identity, name, version=None):
        """``{deposit: {<level>: {users: [emails], roles: [names]}}, record: {...}}``.

        Grants hold for every version of ``name``; ``version`` only checks it exists.
        """
        schema = api.get_schema(name, version)
        require(identity, "manage", schema)
        return _permissions_of(schema.name)

    @unit_of_work()
    def add_permissions(self, identity, name, grants, version=None, uow=None):
        """Grant schema-level actions; see :func:`parse_grants` for ``grants``."""
        schema = api.get_schema(name, version)
        require(identity, "manage", schema)
        for action, user, role_name in parse_grants(grants):
            need = schema_need(action, schema)
            if user is not None:
                row, model, owner = _user_row(need, user), ActionUsers, {"user": user}
            else:
                role = ensure_role(role_name)
                row, model, owner = _role_row(need, role), ActionRoles, {"role": role}
            if row is None:
                uow.register(ModelCommitOp(model.allow(need, **owner)))
        return _permissions_of(schema.name)

    @unit_of_work()
    def remove_permissions(self, identity, name, grants, version=None, uow=None):
        """Withdraw schema-level actions; missing grants are ignored."""
        schema = api.get_schema(name, version)
        require(identity, "manage", schema)
        for action, user, role_name in parse_grants(grants):
            need = schema_need(action, schema)
            if user is not None:
                row = _user_row(need, user)
            else:
                role = Role.query.filter_by(name=role_name).one_or_none()
                row = role and _role_row(need, role)
            if row is not None:
                uow.register(ModelDeleteOp(row))
        return _permissions_of(schema.name)


def parse_grants(grants):
    """``[(action, user or None, role name or None)]`` from the request body.

    ``grants``: a list (or one) of ``{"type": "user", "email", "action"}`` or
    ``{"type": "role"|"egroup", "name" (or "email"), "action"}`` with
    ``action`` one of ``deposit-schema-read|update|admin|review|create`` or
    ``record-schema-read|update|admin|review``. Every problem is reported
    at once, named by ``<index>.<field>``. Unknown users are an error; roles
    (e-groups) are created when granted.
    """
    if isinstance(grants, dict):
        grants = [grants]
    if not isinstance(grants, list) or not grants:
        raise InvalidRequestError("Expected a list of grants.")
    parsed, errors = [], []
    for index, grant in enumerate(grants):
        if not isinstance(grant, dict):
            errors.append(field_error(str(index), "Expected an object."))
            continue
        action, kind = grant.get("action"), grant.get("type")
        if action not in SCHEMA_ACTIONS:
            errors.append(
                field_error(f"{index}.action", f"One of {', '.join(SCHEMA_ACTIONS)}.")
            )
        if kind == "user":
            email = grant.get("email")
            user = User.query.filter(
                db.func.lower(User.email) == str(email or "").lower()
            ).one_or_none()
            if user is None:
                errors.append(field_error(f"{index}.email", "No user with this email."))
            parsed.append((action, user, None))
        elif kind in ("role", "egroup"):
            role_name = grant.get("name") or grant.get("email")
            if not role_name or not isinstance(role_name, str):
                errors.append(field_error(f"{index}.name", "The role name is missing."))
            parsed.append((action, None, role_name))
        else:
            errors.append(field_error(f"{index}.type", "One of user, role, egroup."))
    if errors:
        raise ValidationError("Some grants are not valid.", errors=errors)
    return parsed


def _user_row(need, user):
    return ActionUsers.query.filter_by(
        action=need.value, argument=need.argument, user_id=user.id, exclude=False
    ).one_or_none()


def _role_row(need, role):
    return ActionRoles.query.filter_by(
        action=need.value, argument=need.argument, role_id=role.id, exclude=False
    ).one_or_none()


def _permissions_of(name):
    """The schema-level grants on ``name`` by prefix and level."""
    result = {
        "deposit": {level: {"users": [], "roles": []} for level in DEPOSIT_SCHEMA_ACTIONS},
        "record": {level: {"users": [], "roles": []} for level in RECORD_SCHEMA_ACTIONS},
    }

    def slot(action):
        prefix, _, level = action.partition("-schema-")
        return result[prefix][level]

    for row in ActionUsers.query.filter(
        ActionUsers.action.in_(SCHEMA_ACTIONS),
        ActionUsers.argument == name,
        ActionUsers.exclude.is_(False),
    ):
        slot(row.action)["users"].append(row.user.email)
    for row in ActionRoles.query.filter(
        ActionRoles.action.in_(SCHEMA_ACTIONS),
        ActionRoles.argument == name,
        ActionRoles.exclude.is_(False),
    ):
        slot(row.action)["roles"].append(row.role.name)
    for levels in result.values():
        for grant in levels.values():
            grant["users"].sort()
            grant["roles"].sort()
    return result
