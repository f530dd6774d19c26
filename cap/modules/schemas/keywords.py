"""Legacy CAP custom keywords found in JSON Schemas (``x-cap-permission`` ...).

The legacy definitions mark fields with keywords of their own; those with
a CAP equivalent are honoured through it (see README, "Legacy schema
keywords"). :func:`marked_fields` finds the fields a keyword marks
(:func:`schema_marked_values` in a stored version, cached), :func:`values_at`
their values in a document.
"""

COMBINATORS = ("allOf", "anyOf", "oneOf")

FIELD_PERMISSION = "x-cap-permission"
"""``{"users": [emails], "roles": [names], "error_message"}``: who may change the field."""

UNIQUE_CADI = "x-validate-unique-cadi"
"""A CADI id no other draft may hold."""

DAS_PATH = "x-validate-das-path"
"""A dataset name DAS must know (ours: ``x-cap-das-dataset``)."""

CMS_TRIGGER = "x-validate-cms-trigger"
"""On a primary dataset object ``{path, year, triggers: [{trigger}]}``: each
trigger must be one of that dataset's (ours: ``x-cap-hlt-trigger`` on the
trigger field itself)."""

CMS_TRIGGER_FIELD = ("triggers", "*", "trigger")
"""Where, under an object marked :data:`CMS_TRIGGER`, its trigger names are."""

COPY = "x-cap-copy"
"""``{"path": [[key, ...], ...], "x-cap-order": n}``: a draft save copies the
field's value to each path of the document (see ``deposit.services.copying``)."""

COPY_TO = "x-cap-copyto"
"""The same as :data:`COPY` (legacy CAP treated both alike)."""


def marked_fields(document, keyword):
    """``[(path parts, keyword value)]`` of the fields of ``document`` marked with ``keyword``.

    ``"*"`` stands for every item of an array; ``dependencies`` and the
    combinators are walked too.
    """
    found = []
    _walk(document, [], keyword, found, 0)
    return found


def _walk(node, parts, keyword, found, depth):
    if not isinstance(node, dict) or depth > 50:
        return
    if node.get(keyword) not in (None, False):
        found.append((tuple(parts), node[keyword]))
    for name, sub in (node.get("properties") or {}).items():
        _walk(sub, [*parts, name], keyword, found, depth + 1)
    items = node.get("items")
    for sub in items if isinstance(items, list) else [items]:
        _walk(sub, [*parts, "*"], keyword, found, depth + 1)
    for combinator in COMBINATORS:
        for sub in node.get(combinator) or []:
            _walk(sub, parts, keyword, found, depth + 1)
    for sub in (node.get("dependencies") or {}).values():
        _walk(sub, parts, keyword, found, depth + 1)


def schema_marked_values(schema, keyword, kind="deposit"):
    """:func:`marked_fields` of a stored schema version's ``kind`` document, ``$ref``
    resolved; cached per version (the walk and the references cost queries)."""
    from .api import resolve_refs

    key = (schema.id, str(schema.updated), kind, keyword)
    if schema.id is None or key not in _cache:
        found = marked_fields(resolve_refs(schema.document(kind)), keyword)
        if schema.id is None:
            return found
        if len(_cache) > 512:
            _cache.clear()
        _cache[key] = found
    return _cache[key]


_cache = {}


def values_at(document, parts):
    """``[(path, value, parents)]`` at ``parts`` of ``document``.

    ``path`` is the dotted path with array indexes (``input_data.primary_datasets.0.path``),
    ``parents`` the objects from the top down to the one holding the value.
    """
    results = []

    def visit(node, index, path, parents):
        if index == len(parts):
            results.append((".".join(path), node, parents))
            return
        part = parts[index]
        if part == "*":
            if isinstance(node, list):
                for position, item in enumerate(node):
                    visit(item, index + 1, [*path, str(position)], parents)
        elif isinstance(node, dict) and part in node:
            visit(node[part], index + 1, [*path, part], [*parents, node])

    visit(document, 0, [], [])
    return results


def dotted(parts):
    """``a.b`` for ``("a", "*", "b")``: a field path with arrays transparent."""
    return ".".join(part for part in parts if part != "*")
