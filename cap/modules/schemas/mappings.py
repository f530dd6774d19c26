"""Search index bodies: the system fields every deposit and record has.

A schema's mapping only describes its user fields; :func:`index_body` merges
it with :data:`SYSTEM_MAPPING` (system fields win) and adds the analysis
settings user mappings may refer to (normalizer ``caseless``, analyzers
``autocomplete``/``autocomplete_search`` for prefix suggestions).
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
        "_review": DISABLED,
        "control_number": KEYWORD,
        "created": DATE,
        "updated": DATE,
    },
}
"""System fields of every deposit and record index."""

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


def merge_mappings(user_mapping, system_mapping=SYSTEM_MAPPING):
    """The user mapping with the system one merged in; system fields win."""
    merged = copy.deepcopy(user_mapping or {})
    for key, value in system_mapping.items():
        if key == "properties":
            merged.setdefault("properties", {}).update(copy.deepcopy(value))
        else:
            merged[key] = copy.deepcopy(value)
    templates = merged.setdefault("dynamic_templates", [])
    templates[:0] = copy.deepcopy(ACCESS_TEMPLATES)
    return merged


def index_body(user_mapping, settings=None, aliases=()):
    """The body of ``indices.create`` for one schema index."""
    return {
        "settings": {"index": dict(settings or {}), "analysis": copy.deepcopy(ANALYSIS)},
        "mappings": merge_mappings(user_mapping),
        "aliases": {alias: {} for alias in aliases},
    }
