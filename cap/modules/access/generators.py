"""Permission generators: each answers "who" for an item and for search.

A generator gives the needs that grant an action on one record (checked
with invenio-access, which expands action needs to the users and roles
holding them and always lets superusers through) and the search filter that
shows the same records to an identity. Item checks and search results come
from the same table, so they cannot drift apart.
"""

from flask import current_app
from flask_principal import RoleNeed, UserNeed
from invenio_access import Permission
from invenio_access.models import ActionRoles, ActionUsers
from invenio_access.permissions import (
    ParameterizedActionNeed,
    any_user,
    authenticated_user,
    superuser_access,
)
from invenio_search.engine import dsl

from ..schemas.urls import parse_schema_url
from . import cache  # noqa: F401  (drops cached grants when grant rows change)

# admin ⊃ update ⊃ read; review ⊃ read. Review is a right of its own: an
# owner (admin) reviews only when granted it too.
IMPLIED_BY = {
    "read": ("read", "update", "admin", "review"),
    "update": ("update", "admin"),
    "admin": ("admin",),
    "review": ("review",),
    "create": ("create", "admin"),
}

MATCH_NOTHING = dsl.Q("match_none")


def schema_name_of(record):
    """The deposit type of a record, from its ``$schema`` URL."""
    parsed = parse_schema_url((record or {}).get("$schema"))
    return parsed[1] if parsed else None


def identity_user_id(identity):
    """The user id an identity acts as, or ``None``."""
    return next((n.value for n in identity.provides if n.method == "id"), None)


def identity_roles(identity):
    """The role names an identity holds (e-groups are roles)."""
    return sorted(n.value for n in identity.provides if n.method == "role")


def is_superuser(identity):
    """Whether the identity passes every check."""
    return Permission(superuser_access).allows(identity)


def experiments_of(identity):
    """Experiments whose ``<exp>-access`` action the identity holds."""
    return [
        name
        for name, conf in current_app.config["CAP_EXPERIMENTS"].items()
        if Permission(ParameterizedActionNeed(conf["action"], None)).allows(identity)
    ]


GRANTS_KEY = "cap-granted-arguments"
"""``ACCESS_CACHE`` key (after ``ACCESS_ACTION_CACHE_PREFIX``) of every
argument grant of the schema-level actions; :mod:`.cache` drops it when a
grant row changes."""


def _schema_grants():
    """``{action: {"users": {id: [args]}, "roles": {role: [args]}}}`` of the
    ``*-schema-*`` actions (rows that exclude are not grants). One
    ``ACCESS_CACHE`` entry, so one look-up per request."""
    from invenio_access.proxies import current_access

    grants = current_access.get_action_cache(GRANTS_KEY)
    if grants is not None:
        return grants
    grants = {}
    for kind, model, holder in (("users", ActionUsers, "user_id"),
                                ("roles", ActionRoles, "role_id")):
        rows = model.query.filter(
            model.action.like("%-schema-%"), model.exclude.is_(False),
            model.argument.isnot(None),
        )
        for row in rows:
            by_holder = grants.setdefault(row.action, {"users": {}, "roles": {}})[kind]
            by_holder.setdefault(getattr(row, holder), []).append(row.argument)
    current_access.set_action_cache(GRANTS_KEY, grants)
    return grants


def _granted_arguments(identity, action):
    """Arguments (schema names) of ``action`` granted to the identity's user or roles."""
    user_id, roles = identity_user_id(identity), identity_roles(identity)
    grants = _schema_grants().get(action) or {"users": {}, "roles": {}}
    names = set(grants["users"].get(user_id, ())) if user_id is not None else set()
    for role in roles:
        names.update(grants["roles"].get(role, ()))
    return {name for name in names if name}


class Generator:
    """Grants nothing by default."""

    def needs(self, record=None, schema=None):
        """Needs that grant the action on ``record`` (or for ``schema``)."""
        return []

    def query_filter(self, identity):
        """Search filter of the records this generator lets the identity see."""
        return MATCH_NOTHING


class AuthenticatedUser(Generator):
    """Any logged-in user (or token)."""

    def needs(self, record=None, schema=None):
        """Granted to every authenticated identity."""
        return [authenticated_user]

    def query_filter(self, identity):
        """Every record, for an authenticated identity."""
        if authenticated_user in identity.provides:
            return dsl.Q("match_all")
        return MATCH_NOTHING


class AccessGrant(Generator):
    """Users and roles listed in the record's ``_access`` for a level or above.

    ``prefix`` is ``deposit`` or ``record``: ``_access["deposit-update"]`` =
    ``{"users": [ids], "roles": [names]}``.
    """

    def __init__(self, prefix, level):
        """Grant ``<prefix>-<level>`` and every level that implies it."""
        self.keys = [f"{prefix}-{lvl}" for lvl in IMPLIED_BY[level]]

    def needs(self, record=None, schema=None):
        """The listed users and roles."""
        access = (record or {}).get("_access", {})
        needs = []
        for key in self.keys:
            grant = access.get(key, {})
            needs += [UserNeed(user_id) for user_id in grant.get("users", [])]
            needs += [RoleNeed(role) for role in grant.get("roles", [])]
        return needs

    def query_filter(self, identity):
        """Records whose ``_access`` lists the identity's user or roles."""
        user_id, roles = identity_user_id(identity), identity_roles(identity)
        clauses = []
        for key in self.keys:
            if user_id is not None:
                clauses.append(dsl.Q("term", **{f"_access.{key}.users": user_id}))
            if roles:
                clauses.append(dsl.Q("terms", **{f"_access.{key}.roles": roles}))
        return dsl.Q("bool", should=clauses, minimum_should_match=1) if clauses else MATCH_NOTHING


class SchemaGrant(Generator):
    """Schema-level rights: ``<prefix>-schema-<level>`` with the schema name as argument."""

    def __init__(self, prefix, level):
        """Grant ``<prefix>-schema-<level>`` and every level that implies it."""
        self.actions = [f"{prefix}-schema-{lvl}" for lvl in IMPLIED_BY[level]]

    def needs(self, record=None, schema=None):
        """Action needs on the record's (or the given) schema name."""
        name = schema or schema_name_of(record)
        if not name:
            return []
        return [ParameterizedActionNeed(action, name) for action in self.actions]

    def query_filter(self, identity):
        """Records of the schemas the identity holds a grant on."""
        names = set()
        for action in self.actions:
            names |= _granted_arguments(identity, action)
        if not names:
            return MATCH_NOTHING
        return dsl.Q("terms", **{"_schema.name": sorted(names)})


class SchemaAdministrator(Generator):
    """Administrators of a schema (``deposit-schema-admin``): of the given one,
    or, without one, of any schema (who may open the content builder)."""

    ACTION = "deposit-schema-admin"

    def needs(self, record=None, schema=None):
        """The admin need on ``schema``; without it, on every schema someone
        administers, and the grant without argument (every schema)."""
        if schema:
            return [ParameterizedActionNeed(self.ACTION, schema)]
        granted = _schema_grants().get(self.ACTION) or {"users": {}, "roles": {}}
        names = {name for holder in granted.values() for args in holder.values() for name in args}
        return [ParameterizedActionNeed(self.ACTION, None)] + [
            ParameterizedActionNeed(self.ACTION, name) for name in sorted(names)
        ]


class ExperimentMember(Generator):
    """Members of the record's experiment (``<exp>-access``)."""

    def needs(self, record=None, schema=None):
        """The experiment's access action; experiment-free records: any user."""
        experiment = (record or {}).get("_experiment")
        if experiment is None:
            return [authenticated_user]
        conf = current_app.config["CAP_EXPERIMENTS"].get(experiment)
        return [ParameterizedActionNeed(conf["action"], None)] if conf else []

    def query_filter(self, identity):
        """Records of the identity's experiments, and experiment-free ones."""
        if authenticated_user not in identity.provides:
            return MATCH_NOTHING
        free = dsl.Q("bool", must_not=dsl.Q("exists", field="_experiment"))
        experiments = experiments_of(identity)
        if not experiments:
            return free
        return free | dsl.Q("terms", _experiment=experiments)


class PublicRecord(Generator):
    """Anyone, for a published record its collaboration opened to the world:
    its schema version's ``config.public_records`` is ``true``, or it is
    ``"per_record"`` and the record's admins set its ``_public`` flag
    (default closed; the flag counts only while the schema permits it)."""

    def needs(self, record=None, schema=None):
        """Everyone (``any_user``) for an opened record; nobody otherwise."""
        from ..schemas.api import per_record_schema_versions, public_schema_versions

        parsed = parse_schema_url((record or {}).get("$schema"))
        if not parsed or "control_number" not in record:
            return []
        _, name, version = parsed
        version = ".".join(str(int(part)) for part in version.split("."))
        if (name, version) in public_schema_versions():
            return [any_user]
        if record.get("_public") is True and (name, version) in per_record_schema_versions():
            return [any_user]
        return []

    def query_filter(self, identity):
        """Records of the opened schema versions, and flagged records of the
        versions that permit it, for every identity."""
        from ..schemas.api import per_record_schema_versions, public_schema_versions

        def versions(opened):
            return [dsl.Q("bool", filter=[dsl.Q("term", **{"_schema.name": name}),
                                          dsl.Q("term", **{"_schema.version": version})])
                    for name, version in sorted(opened)]

        opened = versions(public_schema_versions())
        flagged = versions(per_record_schema_versions())
        if flagged:
            opened.append(dsl.Q("bool", filter=[dsl.Q("term", _public=True)], should=flagged,
                                minimum_should_match=1))
        if not opened:
            return MATCH_NOTHING
        return dsl.Q("bool", filter=[dsl.Q("exists", field="control_number")], should=opened,
                     minimum_should_match=1)
