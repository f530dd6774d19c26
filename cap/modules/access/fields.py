"""Field-level protection: fields a schema reserves to listed users and roles.

A schema's ``config.field_permissions`` maps a dotted field path to the
people who may change it, e.g. for cms-analysis::

    {"cadi_info": {"update": {"users": [], "roles": ["cms-conveners@cern.ch"]}}}

``users`` holds emails (or user ids), ``roles`` role names (e-groups).
A legacy definition marks the field in its deposit JSON Schema instead,
``"x-cap-permission": {"users": [...], "roles": [...]}``: the same rule
(``config.field_permissions`` wins for a path both give).
Superusers and the system identity may change every field. Everyone else
may write the draft as usual, but a change of a reserved field's value is
refused; sending it back unchanged passes. :func:`may_change_field` is the
one decision; the deposit service refuses changes with it (through
:func:`check_changes`) and the form serializer marks the same fields
``readOnly`` (through :func:`read_only_schema`).
"""

import copy

from flask_principal import RoleNeed
from invenio_access.permissions import system_process
from invenio_accounts.models import User
from invenio_db import db

from ..core.errors import PermissionDeniedError, field_error, field_label
from ..schemas.keywords import FIELD_PERMISSION, dotted, marked_fields
from .generators import identity_user_id, is_superuser

_MISSING = object()


class FieldProtectedError(PermissionDeniedError):
    """You may not change some fields of this draft."""


def field_permissions(schema):
    """``{path: {"users", "roles"}}``: who may update each reserved field of ``schema``."""
    config = getattr(schema, "config", None) or {}
    reserved = config.get("field_permissions") or {}
    marked = {
        dotted(parts): {
            "users": list(rule.get("users") or []),
            "roles": list(rule.get("roles") or []),
        }
        for parts, rule in marked_fields(getattr(schema, "deposit_schema", None), FIELD_PERMISSION)
        if isinstance(rule, dict)
    }
    return {
        **marked,
        **{
            path: (rule or {}).get("update") or {"users": [], "roles": []}
            for path, rule in reserved.items()
        },
    }


def _user_matches(identity, users):
    user_id = identity_user_id(identity)
    if user_id is None or not users:
        return False
    if user_id in users or str(user_id) in [str(u) for u in users]:
        return True
    emails = {u.lower() for u in users if isinstance(u, str) and "@" in u}
    if not emails:
        return False
    user = db.session.get(User, user_id)
    return user is not None and (user.email or "").lower() in emails


def may_change_field(identity, schema, path):
    """Whether ``identity`` may change the field ``path`` of drafts of ``schema``."""
    rule = field_permissions(schema).get(path)
    if rule is None:
        return True
    if system_process in identity.provides or is_superuser(identity):
        return True
    roles = rule.get("roles") or []
    if any(RoleNeed(role) in identity.provides for role in roles):
        return True
    return _user_matches(identity, rule.get("users") or [])


def locked_fields(identity, schema):
    """The reserved field paths of ``schema`` that ``identity`` may not change."""
    return sorted(
        path for path in field_permissions(schema) if not may_change_field(identity, schema, path)
    )


def value_at(data, path):
    """The value at a dotted path (through lists, element by element), or a marker."""
    value = data
    for key in path.split("."):
        if isinstance(value, list):
            value = [value_at(item, key) for item in value]
        elif isinstance(value, dict) and key in value:
            value = value[key]
        else:
            return _MISSING
    return value


def check_changes(identity, schema, old, new):
    """Refuse (:class:`FieldProtectedError`) changes of fields ``identity`` may not change.

    ``old`` is the stored metadata (``{}`` for a new draft), ``new`` what the
    caller sends; a reserved field sent back with the same value passes.
    """
    errors = []
    for path in locked_fields(identity, schema):
        if value_at(old or {}, path) != value_at(new or {}, path):
            errors.append(
                field_error(
                    path, f"Only the people this schema lists may change {path!r}."
                )
            )
    if errors:
        raise FieldProtectedError(
            "You may not change some protected fields: "
            + ", ".join(field_label(e["field"]) for e in errors)
            + ".",
            errors,
        )


def _mark(node, keys):
    if not isinstance(node, dict) or not keys:
        return
    if "items" in node and "properties" not in node:
        _mark(node.get("items"), keys)
        return
    props = node.get("properties")
    if not isinstance(props, dict) or keys[0] not in props:
        return
    if len(keys) == 1:
        props[keys[0]] = dict(props[keys[0]] or {}, readOnly=True)
    else:
        _mark(props[keys[0]], keys[1:])


def read_only_schema(identity, schema, json_schema):
    """A copy of ``json_schema`` with the fields ``identity`` may not change ``readOnly``."""
    locked = locked_fields(identity, schema)
    if not locked or not isinstance(json_schema, dict):
        return json_schema
    marked = copy.deepcopy(json_schema)
    for path in locked:
        _mark(marked, path.split("."))
    return marked
