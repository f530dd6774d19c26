"""Fields a schema marks with a custom keyword, and their values in metadata.

A schema marks a field with e.g. ``"x-cap-das-dataset": true``; validators
find the marked fields once per schema version (cached) as paths like
``("input_data", "primary_datasets", "*", "path")`` and then read every
value at those paths of a document, with the objects above each value (so a
trigger can see the dataset and year next to it).
"""

COMBINATORS = ("allOf", "anyOf", "oneOf")


def _walk(node, parts, keyword, found, depth=0):
    if not isinstance(node, dict) or depth > 50:
        return
    if keyword in node and node[keyword] not in (None, False):
        found.append((tuple(parts), node[keyword]))
    for name, sub in (node.get("properties") or {}).items():
        _walk(sub, [*parts, name], keyword, found, depth + 1)
    items = node.get("items")
    if isinstance(items, dict):
        _walk(items, [*parts, "*"], keyword, found, depth + 1)
    elif isinstance(items, list):
        for sub in items:
            _walk(sub, [*parts, "*"], keyword, found, depth + 1)
    for combinator in COMBINATORS:
        for sub in node.get(combinator) or []:
            _walk(sub, parts, keyword, found, depth + 1)


def marked_fields(document, keyword):
    """``[(path parts, keyword value)]`` of the fields marked with ``keyword``."""
    found = []
    _walk(document, [], keyword, found)
    return sorted({(parts, value) for parts, value in found if _hashable(value)}, key=repr)


def _hashable(value):
    return isinstance(value, (str, bool, int, float))


def schema_marked_fields(schema, keyword, kind="deposit"):
    """Marked fields of a stored schema version (``$ref`` resolved), cached."""
    return _marked_for(schema.id, str(schema.updated), kind, keyword, schema)


_cache = {}


def _marked_for(schema_id, updated, kind, keyword, schema):
    from ...schemas.api import resolve_refs

    key = (schema_id, updated, kind, keyword)
    if schema_id is None or key not in _cache:
        fields = marked_fields(resolve_refs(schema.document(kind)), keyword)
        if schema_id is None:
            return fields
        if len(_cache) > 512:
            _cache.clear()
        _cache[key] = fields
    return _cache[key]


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
