"""Search of drafts and records: permission filter, query, facets, paging.

The permission filter comes from the policy (the same table as item
checks) and is part of the query, so hits, totals and aggregations are all
computed over what the identity may see only.
"""

from flask import current_app
from invenio_search import current_search_client
from invenio_search.engine import dsl, search
from invenio_search.utils import build_alias_name

from ...access.generators import identity_user_id
from ...core.args import int_arg
from ...core.errors import (
    InvalidRequestError,
    PermissionDeniedError,
    SearchTimeoutError,
    field_error,
)
from ...search.query import parse_query

SORTS = {
    "bestmatch": ["_score", {"updated": {"order": "desc", "unmapped_type": "date"}}],
    "mostrecent": [{"updated": {"order": "desc", "unmapped_type": "date"}}],
    "oldest": [{"created": {"order": "asc", "unmapped_type": "date"}}],
}

BUILTIN_FACETS = {
    "collection": "_schema.name",
    "collection_version": "_schema.version",
    "experiment": "_experiment",
    "review_status": "_review_status",
}
"""Facets every search has: facet name -> indexed field."""

BUILTIN_FACET_LABELS = {
    "collection": "Type",
    "collection_version": "Type version",
    "experiment": "Experiment",
    "review_status": "Review status",
}
"""Labels of the facets every search has (the others: their schema's titles)."""


def _invalid(field, message):
    return InvalidRequestError(message, [field_error(field, message)])


def _as_list(value):
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _truthy(value):
    return str(value).lower() in ("1", "true", "yes", "on")


def _facet_field(spec):
    """``(field, size)`` of a facet spec: ``"field"``, ``{"field"}`` or ``{"terms": {...}}``."""
    if isinstance(spec, str):
        return spec, None
    if isinstance(spec, dict):
        spec = spec.get("terms", spec)
        if isinstance(spec.get("field"), str):
            return spec["field"], spec.get("size")
    return None, None


def field_title(schema, field):
    """The ``title`` of an indexed field (``basic_info.cms_working_group``) in
    a JSON schema: the path followed through ``properties`` and array
    ``items``; None where the path leaves the schema or has no title."""
    node = schema
    for part in field.split("."):
        while isinstance(node, dict) and node.get("type") == "array":
            node = node.get("items")
        properties = node.get("properties") if isinstance(node, dict) else None
        if not isinstance(properties, dict) or part not in properties:
            return None
        node = properties[part]
    title = node.get("title") if isinstance(node, dict) else None
    return title if isinstance(title, str) and title.strip() else None


def enum_labels(schema, options, field):
    """``{value: label}`` of an indexed field whose schema lists an ``enum`` and
    whose form options name its values (``ui:enumNames``, same order); ``{}``
    otherwise. Arrays are followed through ``items`` in both."""
    node, opts = schema, options or {}

    def into_items(node, opts):
        while isinstance(node, dict) and node.get("type") == "array":
            node = node.get("items")
            opts = opts.get("items", {}) if isinstance(opts, dict) else {}
        return node, opts

    for part in field.split("."):
        node, opts = into_items(node, opts)
        properties = node.get("properties") if isinstance(node, dict) else None
        if not isinstance(properties, dict) or part not in properties:
            return {}
        node = properties[part]
        opts = opts.get(part, {}) if isinstance(opts, dict) else {}
    node, opts = into_items(node, opts)
    values = node.get("enum") if isinstance(node, dict) else None
    names = opts.get("ui:enumNames") if isinstance(opts, dict) else None
    if not isinstance(values, list) or not isinstance(names, list):
        return {}
    return {
        str(value): name
        # A names list shorter or longer than the enum names what it can.
        for value, name in zip(values, names, strict=False)
        if isinstance(name, str) and name.strip()
    }


def schema_options():
    """Facets (name -> (field, size)), sorts, facet labels (name -> the
    facet's ``title``, else its field's title in the schema) and value labels
    (name -> {value: label}: the types' full names, a field's ``ui:enumNames``)
    of every schema.

    Cached per process until a schema row changes (``schemas.api.cached``);
    the caller must not change what it gets.
    """
    from ...schemas.api import cached

    return cached("search-options", _schema_options)


def _schema_options():
    from ...schemas.api import list_schemas

    facets = {name: (field, None) for name, field in BUILTIN_FACETS.items()}
    labels = dict(BUILTIN_FACET_LABELS)
    value_labels = {"collection": {}}
    sorts = dict(SORTS)
    # Newest versions last, so their names win.
    for schema in sorted(list_schemas(), key=lambda s: s.id):
        config = schema.config or {}
        if schema.fullname:
            value_labels["collection"][schema.name] = schema.fullname
        for name, spec in (config.get("facets") or {}).items():
            field, size = _facet_field(spec)
            if field and name not in facets:
                facets[name] = (field, size)
            title = spec.get("title") if isinstance(spec, dict) else None
            title = title or (field_title(schema.deposit_schema, field) if field else None)
            if title and name not in labels:
                labels[name] = title
            if field and facets[name][0] == field:
                found = enum_labels(schema.deposit_schema, schema.deposit_options, field)
                value_labels[name] = {**value_labels.get(name, {}), **found}
        for name, spec in (config.get("sort_options") or {}).items():
            fields = spec.get("fields") if isinstance(spec, dict) else None
            if fields and name not in sorts:
                sorts[name] = [
                    {f.lstrip("-"): {"order": "desc" if f.startswith("-") else "asc",
                                     "unmapped_type": "keyword"}}
                    for f in fields
                ]
    return facets, sorts, labels, value_labels


SINGLE_PARAMS = ("q", "page", "size", "sort", "by_me")
"""Parameters that take one value (a facet filter may be repeated: any of them)."""


class SearchParams:
    """Parsed and checked search parameters."""

    def __init__(self, params):
        """Parse ``q``, ``page``, ``size``, ``sort``, ``by_me`` and facet filters."""
        config = current_app.config
        for name in SINGLE_PARAMS:
            if isinstance(params.get(name), (list, tuple)):
                raise _invalid(name, f"Give {name} once, not {len(params[name])} times.")
        self.q = (params.get("q") or "").strip()
        # DAS-style field terms (dataset=..., trigger=...) out of the free text.
        self.text, self.field_queries = parse_query(self.q)
        self.size = int_arg(
            "size", params.get("size"), config["CAP_DEPOSIT_DEFAULT_PAGE_SIZE"], 1,
            config["CAP_DEPOSIT_MAX_PAGE_SIZE"],
        )
        self.page = int_arg("page", params.get("page"), 1, 1)
        if self.page * self.size > config["CAP_DEPOSIT_MAX_RESULT_WINDOW"]:
            raise _invalid("page", "page * size goes beyond the result window.")
        self.facets, self.sorts, self.facet_labels, self.value_labels = schema_options()
        self.sort = params.get("sort") or ("bestmatch" if self.q else "mostrecent")
        if self.sort not in self.sorts:
            raise _invalid("sort", f"sort must be one of {', '.join(self.sorts)}.")
        self.by_me = _truthy(params.get("by_me", False))
        self.filters = {
            name: [v for v in _as_list(params.get(name)) if v not in (None, "")]
            for name in self.facets
        }
        self.filters = {name: values for name, values in self.filters.items() if values}


def search_request(identity, params, alias, policy, owner_field="_deposit.owners"):
    """The engine request (``search`` keyword arguments) of searching
    ``alias`` as ``identity``, and the parsed params."""
    if identity is None or identity.id is None:
        raise PermissionDeniedError("You need to log in to search.")
    params = params if isinstance(params, SearchParams) else SearchParams(params)
    config = current_app.config
    query = dsl.Q("query_string", query=params.text, default_operator="AND",
                  fuzzy_max_expansions=config["CAP_SEARCH_FUZZY_MAX_EXPANSIONS"]) \
        if params.text else dsl.Q("match_all")
    filters = [policy.query_filter(identity)]
    if params.by_me:
        user_id = identity_user_id(identity)
        filters.append(dsl.Q("term", **{owner_field: user_id}) if user_id is not None
                       else dsl.Q("match_none"))
    for name, values in params.filters.items():
        filters.append(dsl.Q("terms", **{params.facets[name][0]: values}))
    body = {
        "query": dsl.Q("bool", must=[query, *params.field_queries], filter=filters).to_dict(),
        "sort": params.sorts[params.sort],
        "from": (params.page - 1) * params.size,
        "size": params.size,
        "aggs": {
            name: {"terms": {"field": field,
                             "size": size or current_app.config["CAP_DEPOSIT_FACET_SIZE"]}}
            for name, (field, size) in params.facets.items()
        },
        "track_total_hits": True,
        "version": True,
        "timeout": config["CAP_SEARCH_TIMEOUT"],
    }
    # No pre-filter round (can_match) skips a shard before it parses ``q``.
    engine_request = {"index": build_alias_name(alias), "body": body,
                      "pre_filter_shard_size": NO_PRE_FILTER}
    return engine_request, params


def run_search(identity, params, alias, policy, owner_field="_deposit.owners"):
    """Search ``alias`` as ``identity`` (one engine request, through the
    search client); returns the raw engine answer and params."""
    engine_request, params = search_request(identity, params, alias, policy, owner_field)
    try:
        answer = current_search_client.search(**engine_request)
    except search.exceptions.NotFoundError:
        # No schema index yet: nothing to find.
        answer = {"hits": {"hits": [], "total": {"value": 0}}, "aggregations": {}}
    except search.exceptions.RequestError as error:  # every shard refused the query
        raise _invalid("q", f"The query is not valid: {_reason(error)}") from None
    check_timed_out(answer)
    if params.text:
        _check_answer(alias, params.text, answer)
    return answer, params


def check_timed_out(answer):
    """503 for an answer the engine cut at the search's ``timeout``: its hits,
    totals and facets are partial."""
    if answer.get("timed_out"):
        raise SearchTimeoutError()


NO_PRE_FILTER = 2**31 - 1
"""``pre_filter_shard_size`` above any shard count: every shard runs the query."""

QUERY_FAILURES = ("query_shard_exception", "parse_exception", "search_parse_exception",
                  "illegal_argument_exception", "number_format_exception")
"""Shard failure types a query string causes (a field it cannot be parsed for)."""


def _check_answer(alias, q, answer):
    """Refuse a query string the engine could not parse (400, never 500, never empty).

    A shard that failed on the query makes the answer a 400. A shard whose
    filter rewrites to "match nothing" (the permission filter, for one) never
    parses the query: an empty answer may hide a bad query, so only then is
    the query checked on its own.
    """
    failures = ((answer.get("_shards") or {}).get("failures")) or []
    for failure in failures:
        reason = failure.get("reason") or {}
        if reason.get("type") in QUERY_FAILURES:
            detail = (reason.get("caused_by") or {}).get("reason") or reason.get("reason")
            raise _invalid("q", f"The query is not valid: {detail}")
    if total_of(answer) == 0:
        _check_query(alias, q)


def _check_query(alias, q):
    """Refuse a query string the engine cannot parse, asked on its own."""
    body = {"query": {"query_string": {"query": q, "default_operator": "AND"}}}
    try:
        answer = current_search_client.indices.validate_query(
            index=build_alias_name(alias), body=body, explain=True
        )
    except search.exceptions.NotFoundError:
        return
    except search.exceptions.RequestError as error:
        raise _invalid("q", f"The query is not valid: {_reason(error)}") from None
    if not answer.get("valid", True):
        explanations = [e.get("error") for e in answer.get("explanations", []) if e.get("error")]
        detail = explanations[0] if explanations else "syntax error"
        raise _invalid("q", f"The query is not valid: {detail}")


def _reason(error):
    info = getattr(error, "info", None) or {}
    try:
        causes = info["error"]["root_cause"]
        return causes[0].get("reason") or str(error.error)
    except (KeyError, IndexError, TypeError):
        return str(getattr(error, "error", error))


def total_of(answer):
    """The total number of hits of an engine answer."""
    total = answer["hits"]["total"]
    return total["value"] if isinstance(total, dict) else total
