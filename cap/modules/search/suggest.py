"""Prefix suggestions of titles, CADI ids, keywords, people ... (``/suggest``).

Each schema's config names its suggestion fields (``suggest``: name ->
indexed field); ``CAP_SEARCH_SUGGEST_FIELDS`` maps the public ``field``
parameter to those names. Drafts are searched with the deposit read policy
filter and records with the record one (the same filters as search), in one
``msearch`` round trip.

Keyword fields give exact values and document counts (a ``terms``
aggregation restricted to the prefix); text fields (titles, names) give the
distinct values of the best matching documents.
"""

import re

from flask import current_app
from invenio_search import current_search_client
from invenio_search.utils import build_alias_name

from ..access.policies import DepositPermissionPolicy, RecordPermissionPolicy
from ..core.args import int_arg
from ..core.errors import InvalidRequestError, PermissionDeniedError, field_error
from ..schemas.api import list_schemas
from ..schemas.errors import SchemaNotFoundError
from ..schemas.mappings import MappingError, normalize_mapping

LUCENE_REGEX_SPECIAL = set('.?+*|{}[]()"\\#@&<>~')
TEXT_HITS = 50
"""Documents read for the values of a text field."""


def _invalid(field, message):
    return InvalidRequestError(message, [field_error(field, message)])


def _mapping_type(mapping, path):
    """The type of ``path`` in a stored mapping (or legacy index body), ``None`` if unmapped."""
    try:
        node, _ = normalize_mapping(mapping)
    except MappingError:
        return None
    for part in path.split("."):
        node = (node.get("properties") or {}).get(part)
        if node is None:
            return None
    return node.get("type", "object")


def _caseless_prefix_regex(prefix):
    """A Lucene regular expression matching values that start with ``prefix``, any case."""
    parts = []
    for char in prefix:
        if char.isalpha() and char.lower() != char.upper():
            parts.append(f"[{char.lower()}{char.upper()}]")
        elif char in LUCENE_REGEX_SPECIAL:
            parts.append("\\" + char)
        else:
            parts.append(char)
    return "".join(parts) + ".*"


def _values(source, path):
    """Every value at a dotted path of a document (lists are walked)."""
    nodes = [source]
    for part in path.split("."):
        next_nodes = []
        for node in nodes:
            if isinstance(node, list):
                node = [n.get(part) for n in node if isinstance(n, dict)]
                next_nodes.extend(node)
            elif isinstance(node, dict):
                next_nodes.append(node.get(part))
        nodes = []
        for node in next_nodes:
            if isinstance(node, list):
                nodes.extend(node)
            elif node is not None:
                nodes.append(node)
    return [v for v in nodes if isinstance(v, (str, int, float)) and not isinstance(v, bool)]


def _text_matches(value, prefix):
    value = str(value).lower()
    return value.startswith(prefix) or any(
        word.startswith(prefix) for word in re.split(r"[\s\-_/,.;:()]+", value)
    ) or (" " in prefix and f" {prefix}" in f" {value}")


def suggestion_fields(field, schema_name=None):
    """``{(schema name, version): (indexed field, "keyword"|"text")}`` of a public field.

    Every loaded version counts with its own config and mapping: documents keep
    the version they were written in (a field may move between versions).
    """
    names = current_app.config["CAP_SEARCH_SUGGEST_FIELDS"].get(field)
    if names is None:
        known = ", ".join(sorted(current_app.config["CAP_SEARCH_SUGGEST_FIELDS"]))
        raise _invalid("field", f"field must be one of {known}.")
    extra = current_app.config["CAP_SEARCH_SUGGEST_EXTRA"]
    schemas = list_schemas()
    if schema_name is not None:
        schemas = [s for s in schemas if s.name == schema_name]
        if not schemas:
            raise _invalid("type", f"Unknown type '{schema_name}'.")
    fields = {}
    for schema in schemas:
        config = (schema.config or {}).get("suggest") or {}
        path = next((config[n] for n in names if n in config), None)
        path = path or (extra.get(schema.name) or {}).get(field)
        if not path or not schema.is_indexed:
            continue
        kind = _mapping_type(schema.document("deposit", "mapping"), path)
        if kind not in ("keyword", "text"):
            # Unmapped, or not a value (e.g. an object of categories in this version):
            # a prefix query on it would fail the search of every index.
            continue
        fields[(schema.name, schema.version)] = (path, "keyword" if kind == "keyword" else "text")
    return fields


def _body(fields, prefix, policy_filter, size):
    per_schema, aggs = [], {}
    for (name, version), (path, kind) in fields.items():
        if kind == "keyword":
            # A caseless prefix as a regular expression (the engine's own
            # case_insensitive prefix fails on some shards).
            match = {"regexp": {path: {"value": _caseless_prefix_regex(prefix)}}}
            # One plain terms aggregation per field; values not starting with
            # the prefix (other values of the same matching documents) are
            # dropped afterwards. (A filter aggregation with an ``include``
            # regular expression fails on some shards of OpenSearch 2.19.)
            aggs.setdefault(path, {"terms": {"field": path, "size": max(size * 5, 100)}})
        else:
            match = {"match_phrase_prefix": {path: {"query": prefix, "max_expansions": 50}}}
        per_schema.append({"bool": {"filter": [
            {"term": {"_schema.name": name}}, {"term": {"_schema.version": version}}, match,
        ]}})
    text_fields = sorted({path for path, kind in fields.values() if kind == "text"})
    return {
        "query": {"bool": {
            "filter": [policy_filter.to_dict()],
            "should": per_schema, "minimum_should_match": 1,
        }},
        "size": TEXT_HITS if text_fields else 0,
        "_source": text_fields or False,
        "aggs": aggs,
    }


def suggest(identity, field, prefix, schema_name=None, size=None):
    """``{"suggestions": [{"value", "count"}]}`` of values of ``field`` starting with ``prefix``.

    Only documents the identity may read count: drafts through the deposit
    read policy, records through the record read policy.
    """
    if identity is None or identity.id is None:
        raise PermissionDeniedError("You need to log in to get suggestions.")
    config = current_app.config
    if not field:
        raise _invalid("field", "field is required.")
    prefix = (prefix or "").strip()
    if not prefix:
        raise _invalid("q", "q (the prefix) is required.")
    if len(prefix) > config["CAP_SEARCH_SUGGEST_MAX_LENGTH"]:
        raise _invalid("q", f"q is longer than {config['CAP_SEARCH_SUGGEST_MAX_LENGTH']}.")
    size = int_arg("size", size, config["CAP_SEARCH_SUGGEST_SIZE"], 1,
                   config["CAP_SEARCH_SUGGEST_MAX_SIZE"])
    try:
        fields = suggestion_fields(field, schema_name)
    except SchemaNotFoundError:
        raise _invalid("type", f"Unknown type '{schema_name}'.") from None
    if not fields:
        return {"suggestions": []}
    searches = []
    policies = (("deposits", DepositPermissionPolicy), ("records", RecordPermissionPolicy))
    for kind, policy in policies:
        alias = f"{kind}-{schema_name}" if schema_name else kind
        searches.append({"index": build_alias_name(alias), "ignore_unavailable": True})
        searches.append(_body(fields, prefix, policy("read").query_filter(identity), size))
    answer = current_search_client.msearch(body=searches)
    counts = {}
    lowered = prefix.lower()
    text_paths = sorted({path for path, kind in fields.values() if kind == "text"})
    for response in answer.get("responses", []):
        if "error" in response:
            continue
        for agg in (response.get("aggregations") or {}).values():
            for bucket in agg["buckets"]:
                key = bucket.get("key_as_string", bucket["key"])
                if str(key).lower().startswith(lowered):
                    counts[key] = counts.get(key, 0) + bucket["doc_count"]
        for hit in response.get("hits", {}).get("hits", []):
            seen = set()
            for path in text_paths:
                for value in _values(hit.get("_source") or {}, path):
                    if value not in seen and _text_matches(value, lowered):
                        seen.add(value)
                        counts[value] = counts.get(value, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], str(item[0]).lower()))
    return {"suggestions": [{"value": value, "count": count} for value, count in ranked[:size]]}
