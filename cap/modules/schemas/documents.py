"""Stored drafts and records against their schemas: checks, and the effect of a new version.

Admin building blocks for ``cap schemas validate --all`` and ``cap schemas
migrate``; no permission checks (the CLI runs as the system). Drafts are
checked leniently (``required`` ignored, as when saving), records fully (as
when publishing).
"""

from dataclasses import dataclass, field

from invenio_records.models import RecordMetadata

from ..records.api import user_metadata
from . import api
from .errors import SchemaNotFoundError
from .urls import parse_schema_url


@dataclass
class DocumentCheck:
    """One stored document and its errors (``[]``: valid)."""

    kind: str  # "deposit" or "record"
    pid: str
    schema: str  # "name vM.m.p"
    errors: list = field(default_factory=list)


def stored_documents(name=None, version=None):
    """``(kind, pid, name, version, json)`` of every stored draft and record, in id order.

    ``name``/``version`` keep those of one schema (version: ``M.m.p``).
    """
    query = RecordMetadata.query.filter(RecordMetadata.json.isnot(None))
    if name is not None:
        ending = f"/{name}-v{version or '%'}.json"
        query = query.filter(RecordMetadata.json["$schema"].as_string().like(f"%{ending}"))
    for row in query.order_by(RecordMetadata.created, RecordMetadata.id).yield_per(500):
        parsed = parse_schema_url(row.json.get("$schema"))
        if parsed is None:
            yield "unknown", str(row.id), None, None, row.json
            continue
        kind, found, found_version = parsed
        if (name and found != name) or (version and found_version != version):
            continue
        pid = row.json.get("control_number") if kind == "record" else \
            (row.json.get("_deposit") or {}).get("id")
        yield kind, pid or str(row.id), found, found_version, row.json


def _errors(schema, kind, data):
    return api.validate(schema, user_metadata(data), kind=kind, full=kind == "record")


def check_documents(name=None):
    """A :class:`DocumentCheck` for every stored document (of schema ``name``)."""
    schemas = {}
    for kind, pid, found, version, data in stored_documents(name):
        label = f"{found} v{version}" if found else "(no schema)"
        if found is None:
            yield DocumentCheck(kind, pid, label, [{"field": ["$schema"],
                                                   "message": "Not a schema URL of ours."}])
            continue
        key = (found, version)
        if key not in schemas:
            try:
                schemas[key] = api.get_schema(found, version)
            except SchemaNotFoundError:
                schemas[key] = None
        schema = schemas[key]
        if schema is None:
            yield DocumentCheck(kind, pid, label, [{"field": ["$schema"],
                                                   "message": "This schema is not loaded."}])
            continue
        yield DocumentCheck(kind, pid, label, _errors(schema, kind, data))


@dataclass
class MoveDiff:
    """What moving one stored document from one version to another changes."""

    kind: str
    pid: str
    old_url: str
    new_url: str
    errors: list = field(default_factory=list)  # under the new version


def migration_diff(name, from_version, to_version):
    """A :class:`MoveDiff` for every stored document of ``name`` v``from_version``.

    The user metadata stays as it is: the ``$schema`` URL changes, and the
    errors say which fields the new version would refuse.
    """
    api.get_schema(name, from_version)  # SchemaNotFoundError when unknown
    target = api.get_schema(name, to_version)
    for kind, pid, _, _, data in stored_documents(name, from_version):
        yield MoveDiff(kind, pid, data["$schema"], api.schema_url(target, kind),
                       _errors(target, kind, data))
