"""Schemas as other modules use them: look-up, URLs, validation, indexes, loading.

No permission checks here (see ``service.py`` for the REST side): these are
the building blocks deposits, records, the CLI and ``cap setup`` call.
"""

import json
from pathlib import Path

import jsonref
from flask import current_app, has_request_context, request
from invenio_db import db
from invenio_search import current_search_client
from invenio_search.engine import search
from invenio_search.utils import build_alias_name, prefix_index
from sqlalchemy import event, text

from ..core.errors import field_error
from .definition import load_definition
from .errors import InvalidSchemaError, SchemaChangedError, SchemaNotFoundError
from .mappings import MappingError, index_body, normalize_mapping
from .models import Schema
from .urls import SCHEMA_URL, parse_schema_url  # noqa: F401  (part of the API)
from .validation import build_validator, collect_errors, split_draft_errors

KINDS = ("deposit", "record")



def _ordered(query):
    return query.order_by(Schema.name, Schema.major, Schema.minor, Schema.patch)


def _split_version(version):
    try:
        major, minor, patch = (int(part) for part in str(version).lstrip("v").split("."))
    except ValueError:
        return None
    return major, minor, patch


def get_schema(name, version=None):
    """The schema ``name`` at ``version`` (``M.m.p``), or its latest version."""
    query = Schema.query.filter_by(name=name)
    if version is None:
        schema = query.order_by(
            Schema.major.desc(), Schema.minor.desc(), Schema.patch.desc()
        ).first()
    else:
        parts = _split_version(version)
        schema = None
        if parts is not None:
            major, minor, patch = parts
            schema = query.filter_by(major=major, minor=minor, patch=patch).one_or_none()
    if schema is None:
        raise SchemaNotFoundError(name, version)
    return schema


# Read-mostly look-ups, cached per process
# =========================================
#
# Search answers name the schema of every hit and list every schema's facets
# and sorts: asked on every request, while schema rows change only through
# loading and the schema-admin endpoints. Values derived from the rows are
# cached per process under a *stamp* of the table (row count, highest id,
# latest ``updated``: any insert, update or delete changes it, in any
# process). The stamp is read once per request (kept in the request's
# environ); outside a request, on every call. A change in this process also
# drops the stamp at flush, so the same request sees it at once.

_derived = [None, {}]  # [stamp, {key: value}], replaced as a whole

_MEMO = "cap.schemas.stamp"

# Plain SQL: a third of the cost of the same select built with SQLAlchemy
# (no compilation, no result type processing).
_STAMP_QUERY = text(f"SELECT concat_ws(',', count(*), max(id), max(updated)) "
                    f"FROM {Schema.__tablename__}")


def _stamp():
    """``"count,max id,max updated"`` of the schema table."""
    memo = request.environ if has_request_context() else None
    if memo is not None and _MEMO in memo:
        return memo[_MEMO]
    stamp = db.session.execute(_STAMP_QUERY).scalar_one()
    if memo is not None:
        memo[_MEMO] = stamp
    return stamp


def _forget(*args):
    """A schema row changed in this process: re-read the stamp, drop derived values."""
    if has_request_context():
        request.environ.pop(_MEMO, None)
    _derived[:] = [None, {}]


for _event in ("after_insert", "after_update", "after_delete"):
    event.listen(Schema, _event, _forget)


def cached(key, build):
    """``build()``, computed once per state of the schema table (treat it as read-only)."""
    stamp = _stamp()
    known, values = _derived
    if known != stamp:
        values = {}
        _derived[:] = [stamp, values]
    if key not in values:
        values[key] = build()
    return values[key]


def schema_info_by_url(url):
    """``{name, version, fullname}`` of the schema a ``$schema`` URL names (cached).

    Raises :class:`SchemaNotFoundError` for an unknown schema.
    """
    match = _match_url(url)
    name, version = match.group("name"), match.group("version")

    def build():
        try:
            return get_schema(name, version).info
        except SchemaNotFoundError:
            return None

    info = cached(("info", name, version), build)
    if info is None:
        raise SchemaNotFoundError(name, version)
    return dict(info)


def _match_url(url):
    match = SCHEMA_URL.search(url or "")
    if match is None:
        raise SchemaNotFoundError(url)
    return match


def get_schema_by_url(url):
    """The schema a ``$schema`` URL (absolute or relative) points to."""
    match = _match_url(url)
    return get_schema(match.group("name"), match.group("version"))


def document_by_url(url):
    """The deposit or record JSON Schema a URL points to."""
    kind = "record" if _match_url(url).group("kind") == "records" else "deposit"
    return get_schema_by_url(url).document(kind)


def schema_url(schema, kind="deposit"):
    """Absolute URL of the deposit or record JSON Schema of ``schema``."""
    base = current_app.config["CAP_SCHEMAS_BASE_URL"] or (
        current_app.config["SITE_API_URL"].rstrip("/") + "/schemas"
    )
    path = schema.deposit_path if kind == "deposit" else schema.record_path
    return f"{base.rstrip('/')}/{path}"


def list_schemas(latest_only=False):
    """Every schema version by name then version; only the latest of each name if asked."""
    schemas = _ordered(Schema.query).all()
    if latest_only:
        latest = {schema.name: schema for schema in schemas}
        schemas = list(latest.values())
    return schemas


def versions_of(name):
    """Every version of ``name``, oldest first."""
    schemas = _ordered(Schema.query.filter_by(name=name)).all()
    if not schemas:
        raise SchemaNotFoundError(name)
    return schemas


def _validator(schema, kind, full):
    """The compiled validator, cached per schema version."""
    def build():
        return build_validator(
            schema.document(kind),
            full=full,
            retrieve=_ref_document,
            max_length=current_app.config["CAP_SCHEMAS_STRING_MAX_LENGTH"],
        )

    if schema.id is None:
        return build()
    key = (schema.id, schema.updated, kind, full)
    return current_app.extensions["cap-schemas"].validators.get(key, build)


def validate(schema, metadata, kind="deposit", full=True):
    """Every error of ``metadata`` against the ``kind`` schema: ``[{"field", "message"}]``.

    ``full=False`` ignores every ``required`` (and formats): drafts can be
    saved half-done.
    """
    return collect_errors(_validator(schema, kind, full), metadata)


def validate_draft(schema, metadata):
    """``(refused, reported)`` field errors of a draft save (lenient).

    ``refused``: values a draft cannot store (wrong type, unknown field);
    ``reported``: the rest (patterns, enums ...), saved all the same.
    """
    return split_draft_errors(_validator(schema, "deposit", False), metadata)


def _ref_document(url):
    """The registered JSON Schema a ``$ref`` URL names, ``None`` when unknown."""
    try:
        return document_by_url(url.split("#", 1)[0])
    except SchemaNotFoundError:
        return None


def _walk_refs(node, path):
    """``(path, url)`` of every non-local ``$ref`` under ``node``."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            yield [*path, "$ref"], ref
        for key, value in node.items():
            if key not in ("enum", "const", "default", "examples"):
                yield from _walk_refs(value, [*path, key])
    elif isinstance(node, list):
        for position, value in enumerate(node):
            yield from _walk_refs(value, [*path, str(position)])


def definition_refs(definition):
    """``[(field, (name, version))]``: the schemas a definition's JSON Schemas ``$ref``.

    ``(name, version)`` is ``None`` for a URL that names no schema of ours.
    """
    refs = []
    for key in ("deposit_schema", "record_schema"):
        for path, url in _walk_refs(definition.get(key), [key]):
            match = SCHEMA_URL.search(url.split("#", 1)[0])
            refs.append((path, match and (match.group("name"), match.group("version"))))
    return refs


def check_refs(definition, loading=()):
    """Refuse a definition whose ``$ref`` names a schema neither registered nor in ``loading``.

    ``loading`` holds the ``(name, version)`` of the definitions stored with it.
    """
    errors = []
    known = set(loading) | {(definition["name"], definition["version"])}
    for field, target in definition_refs(definition):
        if target in known:
            continue
        if target is None:
            errors.append(field_error(field, "Not a schema URL (…/schemas/deposits/records/"
                                             "<name>-v<M.m.p>.json or …/schemas/records/…)."))
            continue
        try:
            get_schema(*target)
        except SchemaNotFoundError:
            errors.append(field_error(field, f"Unknown schema {target[0]} v{target[1]}."))
    if errors:
        raise InvalidSchemaError(
            f"{definition['name']} v{definition['version']} refers to schemas that are not "
            "registered: load them first (or in the same call).",
            errors=errors,
        )


def by_dependency(definitions):
    """``definitions`` ordered so that each comes after the ones it ``$ref``s.

    Input order is kept otherwise; schemas referring to each other in a
    cycle keep their input order (they are stored in one transaction).
    """
    keys = [(d["name"], d["version"]) for d in definitions]
    needs = {
        key: {target for _, target in definition_refs(d) if target in keys and target != key}
        for key, d in zip(keys, definitions, strict=True)
    }
    ordered, placed, visiting = [], set(), set()

    def place(index):
        key = keys[index]
        if key in placed or key in visiting:
            return
        visiting.add(key)
        for target in needs[key]:
            place(keys.index(target))
        visiting.discard(key)
        placed.add(key)
        ordered.append(definitions[index])

    for index in range(len(definitions)):
        place(index)
    return ordered


def resolve_refs(document):
    """``document`` with its JSON references inlined.

    Returned as is when a reference cannot be inlined (recursive, unknown).
    Only local references and our own schema URLs are followed: nothing is
    fetched from the network.
    """
    try:
        return _inlined(jsonref.replace_refs(document, loader=document_by_url), {}, set())
    except (jsonref.JsonRefError, RecursionError):
        return document


def _inlined(node, done, inlining):
    """``node`` as plain JSON, each jsonref reference replaced by its inlined target.

    Not jsonref's own ``proxies=False``: it remembers inlined references by
    ``id()`` after dropping them, so a reference created later (in a schema
    loaded later) can get a dropped one's address and take its target
    (gazpachoking/jsonref#61, unfixed in 1.1.0). ``done`` keeps every reference
    alive next to its target. A reference met again while its own target is
    being inlined is recursive: :class:`RecursionError`.
    """
    if type(node) is jsonref.JsonRef:  # isinstance would ask the proxied target
        key = id(node)
        if key in done:
            return done[key][1]
        if key in inlining:
            raise RecursionError(f"{node.__reference__['$ref']} refers to itself.")
        inlining.add(key)
        target = _inlined(node.__subject__, done, inlining)
        inlining.discard(key)
        done[key] = (node, target)
        return target
    if isinstance(node, dict):
        return {name: _inlined(value, done, inlining) for name, value in node.items()}
    if isinstance(node, list):
        return [_inlined(value, done, inlining) for value in node]
    return node


# Search indexes
# ==============


def _indexes(schema):
    """``[(kind, index, aliases)]`` of a schema, prefixed."""
    return [
        (
            kind,
            prefix_index(getattr(schema, f"{kind}_index")),
            [build_alias_name(f"{kind}s"), build_alias_name(f"{kind}s-{schema.name}")],
        )
        for kind in KINDS
    ]


def index_names(schema):
    """The prefixed names of the deposit and record indexes of ``schema``."""
    return [index for _, index, _ in _indexes(schema)]


def create_indexes(schema):
    """Create the schema's indexes with their aliases; existing ones are kept.

    Returns the names created (none for a schema with ``is_indexed`` off).
    A mapping the search engine refuses raises :class:`InvalidSchemaError`
    naming it, and leaves no index of this call behind.
    """
    if not schema.is_indexed:
        return []
    created = []
    for kind, index, aliases in _indexes(schema):
        if current_search_client.indices.exists(index=index):
            continue
        field = _mapping_field(schema, kind)
        body = schema_index_body(schema, kind, aliases=aliases)
        try:
            current_search_client.indices.create(index=index, body=body)
        except search.RequestError as error:
            delete_index_names(created)
            raise InvalidSchemaError(
                f"The search engine refuses the {kind} mapping of "
                f"{schema.name} v{schema.version}.",
                errors=[field_error(field, _reason(error))],
            ) from None
        created.append(index)
    return created


def _mapping_field(schema, kind):
    """The definition field holding the ``kind`` mapping."""
    if kind == "deposit" or schema.use_deposit_as_record or schema.stored_record_mapping is None:
        return "deposit_mapping"
    return "record_mapping"


def schema_index_body(schema, kind, aliases=()):
    """The body of ``indices.create`` for the ``kind`` index of ``schema``.

    The mapping of a part the JSON Schema ``$ref``s from another registered
    schema comes from that schema's mapping, unless this one maps it.
    """
    mapping, settings = search_mapping(schema, kind)
    return index_body(
        {"settings": settings, "mappings": mapping},
        current_app.config["CAP_SCHEMAS_INDEX_SETTINGS"],
        aliases,
        ignore_above=current_app.config["CAP_SCHEMAS_KEYWORD_IGNORE_ABOVE"],
    )


def search_mapping(schema, kind, seen=()):
    """``(mapping, settings)`` of ``schema``'s ``kind`` with its ``$ref``'d parts filled in."""
    try:
        mapping, settings = normalize_mapping(schema.document(kind, "mapping"))
    except MappingError as error:
        raise InvalidSchemaError(
            f"The {kind} mapping of {schema.name} v{schema.version} cannot be used.",
            errors=[field_error([_mapping_field(schema, kind), *error.path], error.message)],
        ) from None
    seen = {*seen, (schema.name, schema.version)}
    for parts, url in _ref_fields(schema.document(kind), []):
        found = parse_schema_url(url.split("#", 1)[0])
        if found is None or (found[1], found[2]) in seen:
            continue
        try:
            target = get_schema(found[1], found[2])
        except SchemaNotFoundError:
            continue
        part, part_settings = search_mapping(target, found[0], seen)
        if part.get("properties") and _mapping_at(mapping, parts) is None:
            _set_mapping_at(mapping, parts, {"properties": part["properties"]})
            for key, value in part_settings.get("analysis", {}).items():
                analysis = settings.setdefault("analysis", {}).setdefault(key, {})
                for name, component in value.items():
                    analysis.setdefault(name, component)
    return mapping, settings


def _ref_fields(node, parts, depth=0):
    """``(field parts, url)`` of the properties given by a non-local ``$ref``."""
    if not isinstance(node, dict) or depth > 50:
        return
    ref = node.get("$ref")
    if isinstance(ref, str) and not ref.startswith("#") and parts:
        yield parts, ref
    for name, sub in (node.get("properties") or {}).items():
        yield from _ref_fields(sub, [*parts, name], depth + 1)
    items = node.get("items")
    for sub in items if isinstance(items, list) else [items]:
        yield from _ref_fields(sub, parts, depth + 1)
    for combinator in ("allOf", "anyOf", "oneOf"):
        for sub in node.get(combinator) or []:
            yield from _ref_fields(sub, parts, depth + 1)
    for sub in (node.get("dependencies") or {}).values():
        yield from _ref_fields(sub, parts, depth + 1)


def _mapping_at(mapping, parts):
    node = mapping
    for part in parts:
        node = (node.get("properties") or {}).get(part) if isinstance(node, dict) else None
        if node is None:
            return None
    return node


def _set_mapping_at(mapping, parts, value):
    node = mapping
    for part in parts[:-1]:
        node = node.setdefault("properties", {}).setdefault(part, {})
    node.setdefault("properties", {})[parts[-1]] = value


def _reason(error):
    """The search engine's own explanation of a refused request."""
    info = error.info if isinstance(error.info, dict) else {}
    return (info.get("error") or {}).get("reason") or str(error.error)


def delete_index_names(names):
    """Delete indexes by (prefixed) name; missing ones are ignored.

    After ``cap index reindex`` a name is an alias of the rebuilt index:
    the index behind it is deleted.
    """
    for index in names:
        if current_search_client.indices.exists_alias(name=index):
            behind = current_search_client.indices.get_alias(name=index)
            for concrete in behind:
                current_search_client.indices.delete(index=concrete, ignore=[404])
            continue
        current_search_client.indices.delete(index=index, ignore=[404])


def delete_indexes(schema):
    """Delete the schema's indexes (their aliases go with them)."""
    delete_index_names(index_names(schema))


def count_documents(schema):
    """How many documents the schema's existing indexes hold."""
    total = 0
    for index in index_names(schema):
        if current_search_client.indices.exists(index=index):
            total += current_search_client.count(index=index)["count"]
    return total


# Definitions and loading
# =======================


def changed_fields(schema, definition, fields=None):
    """The fields whose stored value differs from ``definition``."""
    stored = schema.to_dict()
    return [
        field
        for field in fields or definition
        if field not in ("name", "version") and stored.get(field) != definition.get(field)
    ]


def apply_definition(schema, definition):
    """Copy a checked definition onto a (new or existing) model."""
    schema.name = definition["name"]
    schema.version = definition["version"]
    for field in (
        "fullname", "experiment", "is_indexed", "use_deposit_as_record", "allow_all", "config"
    ):
        setattr(schema, field, definition[field])
    for field in ("schema", "options", "mapping"):
        setattr(schema, f"deposit_{field}", definition[f"deposit_{field}"])
        setattr(schema, f"stored_record_{field}", definition[f"record_{field}"])
    return schema


def _read_json(path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise InvalidSchemaError(f"Cannot read {path}: {error}") from None


def _read_optional(path):
    return _read_json(path) if path.exists() else None


def read_definition(folder, mappings_folder):
    """The checked definition stored in one ``<name>/v<M.m.p>/`` folder."""
    folder, mappings_folder = Path(folder), Path(mappings_folder)
    data = _read_json(folder / "config.json")
    if not isinstance(data, dict):
        raise InvalidSchemaError(f"{folder / 'config.json'} must hold a JSON object.")
    data.setdefault("name", folder.parent.name)
    data.setdefault("version", folder.name)
    data.update(
        deposit_schema=_read_optional(folder / "deposit.json"),
        deposit_options=_read_optional(folder / "deposit-options.json"),
        deposit_mapping=_read_optional(mappings_folder / "deposit.json"),
        record_schema=_read_optional(folder / "record.json"),
        record_options=_read_optional(folder / "record-options.json"),
        record_mapping=_read_optional(mappings_folder / "record.json"),
    )
    definition = load_definition(data, source=str(folder))
    if (definition["name"], f"v{definition['version']}") != (folder.parent.name, folder.name):
        raise InvalidSchemaError(
            f"{folder / 'config.json'} names {definition['name']} v{definition['version']}, "
            f"which does not match its folder."
        )
    return definition


def read_directory(root=None, mappings_root=None):
    """Checked definitions of every ``<root>/<name>/v<M.m.p>/config.json``."""
    root = Path(root or current_app.config["CAP_SCHEMAS_DIR"])
    mappings_root = Path(mappings_root or current_app.config["CAP_SCHEMAS_MAPPINGS_DIR"])
    definitions = []
    for config in root.glob("*/v*/config.json"):
        folder = config.parent
        relative = folder.relative_to(root)
        definitions.append(read_definition(folder, mappings_root / relative))
    return sorted(definitions, key=lambda d: (d["name"], _split_version(d["version"])))


# Definition keys that change the form only (see ``save_definition``).
PRESENTATION_FIELDS = {"deposit_options", "record_options"}


def save_definition(definition, force=False):
    """Store one definition: ``(schema, "created"|"unchanged"|"updated")``.

    A definition differing from the stored one of the same version is
    refused with :class:`SchemaChangedError` unless ``force`` (development),
    or unless only its form options differ: they say how the form looks
    (labels, widgets, suggestions), never what validates, so stored
    documents stay as valid as they were and the version may keep its number.
    Adds to the session; the caller commits.
    """
    try:
        schema = get_schema(definition["name"], definition["version"])
    except SchemaNotFoundError:
        schema = apply_definition(Schema(), definition)
        db.session.add(schema)
        return schema, "created"
    changed = changed_fields(schema, definition)
    if not changed:
        return schema, "unchanged"
    if not force and not set(changed) <= PRESENTATION_FIELDS:
        raise SchemaChangedError(
            f"{schema.name} v{schema.version} is already loaded with a different "
            f"{', '.join(changed)}: give the changed schema a new version "
            "(or force the reload, in development only).",
            errors=[field_error(field, "Changed.") for field in changed],
        )
    apply_definition(schema, definition)
    return schema, "updated"


def read_definition_file(path):
    """The checked definition in one legacy CAP definition file (all keys in one object)."""
    path = Path(path)
    data = _read_json(path)
    if not isinstance(data, dict):
        raise InvalidSchemaError(f"{path} must hold a JSON object.")
    return load_definition(data, source=str(path))


def read_paths(paths, mappings_root=None):
    """Checked definitions from files and folders.

    A folder in our layout (``<name>/v<M.m.p>/config.json``) is read as
    such (mappings from ``mappings_root``); any other folder gives every
    ``*.json`` file under it, each a legacy definition; a file is one
    legacy definition.
    """
    definitions = []
    for path in map(Path, paths):
        if not path.is_dir():
            definitions.append(read_definition_file(path))
        elif any(path.glob("*/v*/config.json")):
            definitions += read_directory(path, mappings_root)
        else:
            definitions += [read_definition_file(file) for file in sorted(path.rglob("*.json"))]
    return definitions


def load_definitions(definitions, force=False):
    """Store definitions in one transaction, by dependency: ``[(schema, status)]``.

    ``status`` is ``created``, ``unchanged`` or (only with ``force``)
    ``updated``. Nothing is stored when any definition is invalid, changed
    or ``$ref``s a schema neither registered nor among ``definitions``.
    Indexes are not created here (see :func:`create_indexes`).
    """
    ordered = by_dependency(definitions)
    loading = {(definition["name"], definition["version"]) for definition in ordered}
    try:
        results = []
        for definition in ordered:
            check_refs(definition, loading)
            results.append(save_definition(definition, force=force))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return results


def load_from_directory(root=None, mappings_root=None, force=False):
    """Load every schema under ``root`` (our layout): see :func:`load_definitions`."""
    return load_definitions(read_directory(root, mappings_root), force=force)


PUBLIC_RECORDS_KEY = "public_records"
"""Key of a schema's ``config`` by which its collaboration opens the records of
that schema version to the world (OAI-PMH, citation metadata): ``true`` opens
them all; ``"per_record"`` lets each record's admins open it (its ``_public``
flag); absent: closed."""

PER_RECORD = "per_record"
"""``config.public_records`` value: each record opened by its own flag."""


def _opening(schema):
    """``"all"``, ``PER_RECORD`` or ``None``: how the schema opens its records."""
    value = (schema.config or {}).get(PUBLIC_RECORDS_KEY)
    if value is True:
        return "all"
    return PER_RECORD if value == PER_RECORD else None


def opens_per_record(schema):
    """Whether the schema version lets each record's admins open their record."""
    return _opening(schema) == PER_RECORD


def goes_to_zenodo(schema):
    """Whether the schema version's collaboration lets its records go to Zenodo."""
    return bool((schema.config or {}).get(current_app.config["CAP_ZENODO_SCHEMA_KEY"]))


def _schema_versions(opening):
    return {(schema.name, schema.version)
            for schema in Schema.query.filter(Schema.config.isnot(None))
            if _opening(schema) == opening}


def public_schema_versions():
    """``{(name, version)}`` of the schemas whose config opens all their records."""
    return _schema_versions("all")


def per_record_schema_versions():
    """``{(name, version)}`` of the schemas whose records their admins may open one by one."""
    return _schema_versions(PER_RECORD)
