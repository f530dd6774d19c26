"""Search index bodies: the system fields every deposit and record has.

A schema's mapping describes its user fields, either as the mapping alone
(``{"properties": ...}``) or, as legacy CAP definitions give it, as a whole
index body (``{"settings": {"analysis": ...}, "mappings": ...}``, possibly
with an Elasticsearch 6 document type level). :func:`normalize_mapping`
turns either into ``(mapping, analysis)`` for OpenSearch 2, converting the
ES 5-7 spellings that have an equivalent and refusing the others by name.
:func:`index_body` merges the mapping with :data:`SYSTEM_MAPPING` (system
fields win), adds the analysis settings user mappings may refer to
(normalizer ``caseless``, analyzers ``autocomplete``/``autocomplete_search``
for prefix suggestions) and gives every keyword field an ``ignore_above``,
so that one long value cannot make the engine refuse a whole document
(Lucene refuses terms over 32,766 bytes: 8,191 characters of up to 4 bytes).
"""

import copy

KEYWORD = {"type": "keyword"}
INTEGER = {"type": "integer"}
DATE = {"type": "date"}
DISABLED = {"type": "object", "enabled": False}

SYSTEM_MAPPING = {
    # Unknown fields are kept in _source but not indexed.
    "dynamic": False,
    "properties": {
        "$schema": KEYWORD,
        "_deposit": {
            "type": "object",
            "properties": {
                "id": KEYWORD,
                "status": KEYWORD,
                "created_by": INTEGER,
                "owners": INTEGER,
                "pid": {
                    "type": "object",
                    "properties": {
                        "type": KEYWORD,
                        "value": KEYWORD,
                        "revision_id": INTEGER,
                    },
                },
                "cloned_from": DISABLED,
            },
        },
        "_experiment": KEYWORD,
        # _access.<action> = {users: [ids], roles: [names]}, for any action.
        "_access": {
            "type": "object",
            "dynamic": True,
            "properties": {},
        },
        "_files": {
            "type": "object",
            "properties": {
                "key": KEYWORD,
                "size": {"type": "long"},
                "checksum": KEYWORD,
                "bucket": KEYWORD,
                "version_id": KEYWORD,
                "tags": DISABLED,
            },
        },
        "_schema": {
            "type": "object",
            "properties": {"name": KEYWORD, "version": KEYWORD},
        },
        "_fetched_from": KEYWORD,
        "_public": {"type": "boolean"},  # a record its admins opened (cap.modules.oaipmh)
        "_review": DISABLED,
        "_review_status": KEYWORD,  # cap.modules.reviews.indexing
        "control_number": KEYWORD,
        "created": DATE,
        "updated": DATE,
    },
}
"""System fields of every deposit and record index."""

TITLE_MAPPING = {"type": "text", "fields": {"raw": {"type": "keyword", "normalizer": "caseless"}}}

DEFAULT_MAPPING = {"properties": {"general_title": TITLE_MAPPING}}
"""User fields every type has, mapped so unless the schema's mapping maps them:
lists and search find a document by ``general_title`` even when its mapping
leaves it out (legacy cms-analysis and atlas-analysis do; with
``dynamic: false`` it would not be indexed at all)."""

# New _access.<action>.users/roles get the right types, not text.
ACCESS_TEMPLATES = [
    {"access_users": {"path_match": "_access.*.users", "mapping": INTEGER}},
    {"access_roles": {"path_match": "_access.*.roles", "mapping": KEYWORD}},
]

ANALYSIS = {
    "normalizer": {
        "caseless": {"type": "custom", "filter": ["lowercase", "asciifolding"]},
    },
    "analyzer": {
        "autocomplete": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["lowercase", "asciifolding", "autocomplete_edge_ngram"],
        },
        "autocomplete_search": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["lowercase", "asciifolding"],
        },
    },
    "filter": {
        "autocomplete_edge_ngram": {"type": "edge_ngram", "min_gram": 1, "max_gram": 20},
    },
}
"""Analysis settings of every schema index."""


# Parameters of a mapping's top level (anything else there is a document type).
MAPPING_PARAMETERS = {
    "properties", "dynamic", "dynamic_templates", "date_detection", "numeric_detection",
    "dynamic_date_formats", "_source", "_routing", "_meta", "_all", "_field_names",
    "include_in_all",
}

# ES 5-7 parameters that OpenSearch 2 no longer has and that had no effect
# beyond what it does by default: dropped. (``_all`` and ``include_in_all``
# fed the removed catch-all field; ``copy_to`` is what replaces them.)
DROPPED_PARAMETERS = {"_all", "include_in_all"}

# Parameters without an equivalent: refused, naming them.
REFUSED_PARAMETERS = {
    "_timestamp": "removed in Elasticsearch 5; use a date field",
    "_ttl": "removed in Elasticsearch 5",
    "_parent": "removed in Elasticsearch 6; use a join field",
    "_boost": "removed in Elasticsearch 5; boost at query time",
    "_size": "needs a plugin OpenSearch does not have",
    "_index": "cannot be configured",
    "_type": "cannot be configured",
    "_uid": "cannot be configured",
    "_id": "cannot be configured",
}

# Old names of analysis components.
RENAMED_COMPONENTS = {"nGram": "ngram", "edgeNGram": "edge_ngram"}

# Index settings the configuration decides (CAP_SCHEMAS_INDEX_SETTINGS).
CONFIGURED_SETTINGS = {"number_of_shards", "number_of_replicas", "auto_expand_replicas"}


class MappingError(ValueError):
    """A mapping part OpenSearch 2 cannot take: ``path`` (list of parts) and why."""

    def __init__(self, path, message):
        """Name the part."""
        super().__init__(message)
        self.path, self.message = list(path), message


def is_index_body(value):
    """Whether ``value`` is a whole index body rather than a mapping."""
    return (
        isinstance(value, dict)
        and bool(value)
        and set(value) <= {"settings", "mappings", "aliases"}
    )


def normalize_mapping(value):
    """``(mapping, settings)`` for OpenSearch 2 from a stored mapping or index body.

    ``settings`` are the user's index settings (``analysis`` and the like,
    without the ones the configuration decides). Raises :class:`MappingError`
    naming the first part that cannot be converted.
    """
    if not value:
        return {}, {}
    if not isinstance(value, dict):
        raise MappingError([], "Expected an object.")
    if is_index_body(value):
        mapping = value.get("mappings") or {}
        settings = _settings(value.get("settings") or {}, ["settings"])
        path = ["mappings"]
    else:
        mapping, settings, path = value, {}, []
    if not isinstance(mapping, dict):
        raise MappingError(path, "Expected an object.")
    mapping, path = _without_type(mapping, path)
    return _convert(mapping, path, top=True), settings


def _without_type(mapping, path):
    """The mapping under an ES 6 document type level (``{"<type>": {...}}``)."""
    types = [key for key in mapping if key not in MAPPING_PARAMETERS]
    if not types:
        return mapping, path
    if len(types) > 1 or len(mapping) > 1:
        raise MappingError(
            [*path, types[0]],
            "Unknown mapping parameter (or a document type next to others: "
            "OpenSearch 2 has one type per index).",
        )
    inner = mapping[types[0]]
    if not isinstance(inner, dict):
        raise MappingError([*path, types[0]], "Expected a document type's mapping (an object).")
    return inner, [*path, types[0]]


def _convert(node, path, top=False):
    """A copy of one field mapping (or the top level) with old spellings converted."""
    if not isinstance(node, dict):
        raise MappingError(path, "Expected an object.")
    result = {}
    for key, value in node.items():
        where = [*path, key]
        if key in DROPPED_PARAMETERS:
            continue
        if key in REFUSED_PARAMETERS:
            raise MappingError(where, f"Not supported by OpenSearch 2: {REFUSED_PARAMETERS[key]}.")
        if key in ("properties", "fields"):
            if not isinstance(value, dict):
                raise MappingError(where, "Expected an object.")
            result[key] = {name: _convert(sub, [*where, name]) for name, sub in value.items()}
        elif key == "dynamic_templates" and top:
            result[key] = _templates(value, where)
        else:
            result[key] = copy.deepcopy(value)
    if not top:
        _convert_type(result, path)
    return result


def _templates(templates, path):
    if not isinstance(templates, list):
        raise MappingError(path, "Expected a list.")
    converted = []
    for position, template in enumerate(templates):
        if not isinstance(template, dict):
            raise MappingError([*path, str(position)], "Expected an object.")
        entry = {}
        for name, rule in template.items():
            rule = copy.deepcopy(rule)
            if isinstance(rule, dict) and isinstance(rule.get("mapping"), dict):
                rule["mapping"] = _convert(rule["mapping"], [*path, str(position), name, "mapping"])
            entry[name] = rule
        converted.append(entry)
    return converted


def _convert_type(field, path):
    """``string`` and ``index: not_analyzed|analyzed|no`` (ES 2-5) in OpenSearch 2 terms."""
    index = field.get("index")
    if field.get("type") == "string":
        field["type"] = "keyword" if index == "not_analyzed" else "text"
    if index in ("not_analyzed", "analyzed"):
        if index == "not_analyzed" and field.get("type") not in (None, "keyword"):
            raise MappingError([*path, "index"], "not_analyzed is only for string fields.")
        field["type"] = "keyword" if index == "not_analyzed" else field.get("type", "text")
        del field["index"]
    elif index == "no":
        field["index"] = False
    if field.get("type") == "keyword":
        for key in ("analyzer", "search_analyzer"):
            if key in field:
                raise MappingError(
                    [*path, key], "A keyword field takes a normalizer, not an analyzer."
                )
    if "index_analyzer" in field:
        field["analyzer"] = field.pop("index_analyzer")


def _settings(settings, path):
    """The user's index settings: nested form, the configured ones left out."""
    if not isinstance(settings, dict):
        raise MappingError(path, "Expected an object.")
    nested = {}
    for key, value in settings.items():
        parts = key.split(".")
        if parts[0] == "index" and len(parts) > 1:
            parts = parts[1:]
        elif parts[0] == "index" and isinstance(value, dict):
            for inner, inner_value in _settings(value, [*path, key]).items():
                nested[inner] = _merged(nested.get(inner), inner_value)
            continue
        if parts[0] in CONFIGURED_SETTINGS:
            continue
        node = nested
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = _merged(node.get(parts[-1]), copy.deepcopy(value))
    analysis = nested.get("analysis")
    if analysis is not None:
        nested["analysis"] = _renamed(analysis)
    return nested


def _merged(old, new):
    if isinstance(old, dict) and isinstance(new, dict):
        return {**old, **{key: _merged(old.get(key), value) for key, value in new.items()}}
    return new


def _renamed(value):
    """Analysis settings with the old component names (``nGram``...) renamed."""
    if isinstance(value, dict):
        return {
            key: RENAMED_COMPONENTS.get(item, item)
            if key in ("type", "tokenizer") and isinstance(item, str)
            else _renamed(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [RENAMED_COMPONENTS.get(item, item) if isinstance(item, str) else _renamed(item)
                for item in value]
    return value


def with_ignore_above(mapping, limit):
    """``mapping`` with ``ignore_above: limit`` on every keyword field lacking one."""
    if isinstance(mapping, list):
        return [with_ignore_above(item, limit) for item in mapping]
    if not isinstance(mapping, dict):
        return mapping
    result = {key: with_ignore_above(value, limit) for key, value in mapping.items()}
    if result.get("type") == "keyword" and "ignore_above" not in result:
        result["ignore_above"] = limit
    return result


def merge_mappings(user_mapping, system_mapping=SYSTEM_MAPPING):
    """The user mapping with the system one merged in; system fields win,
    :data:`DEFAULT_MAPPING` fields only fill in."""
    merged = copy.deepcopy(user_mapping or {})
    for name, field in DEFAULT_MAPPING["properties"].items():
        merged.setdefault("properties", {}).setdefault(name, copy.deepcopy(field))
    for key, value in system_mapping.items():
        if key == "properties":
            merged.setdefault("properties", {}).update(copy.deepcopy(value))
        else:
            merged[key] = copy.deepcopy(value)
    templates = merged.setdefault("dynamic_templates", [])
    templates[:0] = copy.deepcopy(ACCESS_TEMPLATES)
    return merged


def index_body(user_mapping, settings=None, aliases=(), ignore_above=8191):
    """The body of ``indices.create`` for one schema index.

    ``user_mapping`` is a mapping or an index body (see
    :func:`normalize_mapping`); ``settings`` the configured index settings.
    Our analysis components win over the user's of the same name.
    """
    mapping, user_settings = normalize_mapping(user_mapping)
    analysis = user_settings.pop("analysis", {})
    for kind, components in ANALYSIS.items():
        analysis[kind] = {**(analysis.get(kind) or {}), **copy.deepcopy(components)}
    return {
        "settings": {
            "index": _merged(user_settings, dict(settings or {})),
            "analysis": analysis,
        },
        "mappings": with_ignore_above(merge_mappings(mapping), ignore_above),
        "aliases": {alias: {} for alias in aliases},
    }
