"""REST endpoints of schemas: parse, call the service with ``g.identity``, answer JSON.

``/jsonschemas/`` (``?latest=true``, ``?resolve=true``)
    GET: the schemas the caller may read; POST: create one (superusers), 201.
``/jsonschemas/<name>`` and ``/jsonschemas/<name>/<version>``
    GET (``?resolve=true`` inlines ``$ref``s; ``config`` is always included,
    ``?config=true`` is accepted for older clients); PUT replaces the
    editable parts (fullname, config, options), PATCH takes a JSON Patch
    list or a partial object, DELETE answers 204 (schema admins).
``/jsonschemas/<name>/versions``
    GET: every readable version, oldest first.
``/jsonschemas/<name>[/<version>]/permissions``
    GET: ``{deposit: {read|update|admin|review|create: {users: [emails],
    roles: [names]}}, record: {read|update|admin|review: ...}}``.
    POST (grant, 201) and DELETE (withdraw, 200) take a list of
    ``{"type": "user", "email": ..., "action": "deposit-schema-read"}`` or
    ``{"type": "role"|"egroup", "name": ..., "action": ...}``; both answer the
    resulting permissions. Grants hold for every version of the schema.
``/jsonschemas/<name>/<version>/validate`` (``?kind=deposit|record``, ``?full=false``)
    POST a list of documents: ``[{"valid": bool, "errors": [{field, message}]}]``.
``/schemas/deposits/records/<name>-v<M.m.p>.json``, ``/schemas/records/...``,
``/schemas/options/deposits/records/...``, ``/schemas/options/records/...``
    The raw JSON Schema or UI options documents.
"""

import re

from flask import Blueprint, g, jsonify, request, url_for

from ..core.errors import InvalidRequestError, register_error_handlers
from . import api
from .errors import SchemaNotFoundError
from .proxies import current_schemas_service as service

FILENAME = re.compile(r"^(?P<name>.+)-v(?P<version>\d+\.\d+\.\d+)\.json$")


def _flag(name):
    return request.args.get(name, "").lower() in ("1", "true", "yes")


def _body():
    data = request.get_json(force=True, silent=True)
    if data is None:
        raise InvalidRequestError("The body must be JSON.")
    return data


def _links(schema):
    name, version = schema.name, schema.version
    filename = f"{name}-v{version}.json"

    def link(endpoint, **values):
        return url_for(f"cap_schemas.{endpoint}", _external=True, **values)

    return {
        "self": link("read", name=name, version=version),
        "versions": link("versions", name=name),
        "permissions": link("permissions", name=name, version=version),
        "validate": link("validate", name=name, version=version),
        "deposit_schema": api.schema_url(schema, "deposit"),
        "record_schema": api.schema_url(schema, "record"),
        "deposit_options": link("raw_deposit_options", filename=filename),
        "record_options": link("raw_record_options", filename=filename),
    }


def serialize(schema, resolve=False, with_mappings=False):
    """The JSON of one schema version."""
    documents = {
        "deposit_schema": schema.deposit_schema,
        "deposit_options": schema.deposit_options,
        "record_schema": schema.record_schema,
        "record_options": schema.record_options,
    }
    if resolve:
        for key in ("deposit_schema", "record_schema"):
            documents[key] = api.resolve_refs(documents[key])
    body = {
        "name": schema.name,
        "version": schema.version,
        "fullname": schema.fullname,
        "experiment": schema.experiment,
        "is_indexed": schema.is_indexed,
        "use_deposit_as_record": schema.use_deposit_as_record,
        "allow_all": bool(schema.allow_all),
        **documents,
        "config": schema.config or {},
        "links": _links(schema),
    }
    if with_mappings:
        body["deposit_mapping"] = schema.deposit_mapping
        body["record_mapping"] = schema.record_mapping
    return body


def _one(schema, status=200):
    with_mappings = service.can(g.identity, "manage", schema)
    return jsonify(serialize(schema, _flag("resolve"), with_mappings)), status


# /jsonschemas/
# =============


def list_schemas():
    """The schemas the caller may read."""
    schemas = service.list(g.identity, latest_only=_flag("latest"))
    return jsonify([serialize(schema, _flag("resolve")) for schema in schemas])


def create():
    """Create a schema version."""
    return _one(service.create(g.identity, _body()), 201)


def read(name, version=None):
    """One schema version (the latest by default)."""
    return _one(service.read(g.identity, name, version))


def versions(name):
    """Every readable version of a schema."""
    schemas = service.versions(g.identity, name)
    return jsonify([serialize(schema) for schema in schemas])


def update(name, version):
    """Replace the editable parts of a version."""
    return _one(service.update(g.identity, name, version, _body()))


def patch(name, version):
    """Change a version with a JSON Patch or a partial object."""
    return _one(service.patch(g.identity, name, version, _body()))


def delete(name, version):
    """Delete a version."""
    service.delete(g.identity, name, version)
    return "", 204


def permissions(name, version=None):
    """Read, grant or withdraw schema-level rights."""
    if request.method == "GET":
        return jsonify(service.read_permissions(g.identity, name, version))
    if request.method == "POST":
        return jsonify(service.add_permissions(g.identity, name, _body(), version=version)), 201
    return jsonify(service.remove_permissions(g.identity, name, _body(), version=version))


def validate(name, version):
    """Validate a list of documents against a version."""
    results = service.validate(
        g.identity,
        name,
        version,
        _body(),
        kind=request.args.get("kind", "deposit"),
        full=request.args.get("full", "true").lower() not in ("0", "false", "no"),
    )
    return jsonify(results)


# /schemas/ raw documents
# =======================


def _raw(filename, kind, part):
    match = FILENAME.match(filename)
    if match is None:
        raise SchemaNotFoundError(filename)
    schema = service.read(g.identity, match.group("name"), match.group("version"))
    return jsonify(schema.document(kind, part))


def create_blueprint(app):
    """Blueprint of ``/jsonschemas`` and ``/schemas``."""
    blueprint = Blueprint("cap_schemas", __name__)
    rule = blueprint.add_url_rule
    rule("/jsonschemas/", "list", list_schemas, methods=["GET"])
    rule("/jsonschemas/", "create", create, methods=["POST"])
    rule("/jsonschemas/<name>", "read", read, methods=["GET"])
    rule("/jsonschemas/<name>/versions", "versions", versions, methods=["GET"])
    rule("/jsonschemas/<name>/<version>", "read", read, methods=["GET"])
    rule("/jsonschemas/<name>/<version>", "update", update, methods=["PUT"])
    rule("/jsonschemas/<name>/<version>", "patch", patch, methods=["PATCH"])
    rule("/jsonschemas/<name>/<version>", "delete", delete, methods=["DELETE"])
    for path in ("/jsonschemas/<name>/permissions", "/jsonschemas/<name>/<version>/permissions"):
        rule(path, "permissions", permissions, methods=["GET", "POST", "DELETE"])
    rule("/jsonschemas/<name>/<version>/validate", "validate", validate, methods=["POST"])
    for prefix, kind in (("deposits/records", "deposit"), ("records", "record")):
        rule(
            f"/schemas/{prefix}/<filename>",
            f"raw_{kind}_schema",
            lambda filename, kind=kind: _raw(filename, kind, "schema"),
            methods=["GET"],
        )
        rule(
            f"/schemas/options/{prefix}/<filename>",
            f"raw_{kind}_options",
            lambda filename, kind=kind: _raw(filename, kind, "options"),
            methods=["GET"],
        )
    register_error_handlers(blueprint)
    return blueprint
