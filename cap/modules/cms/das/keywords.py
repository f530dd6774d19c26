"""Fields a schema marks with a custom keyword, and their values in metadata.

A schema marks a field with e.g. ``"x-cap-das-dataset": true``; validators
find the marked fields once per schema version (cached) as paths like
``("input_data", "primary_datasets", "*", "path")`` and then read every
value at those paths of a document, with the objects above each value (so a
trigger can see the dataset and year next to it).
"""

from ...schemas.keywords import marked_fields as _marked


def marked_fields(document, keyword):
    """``[(path parts, keyword value)]`` of the fields marked with ``keyword``.

    A value that is not a plain one (legacy marks such as ``{}``) counts as ``true``.
    """
    found = _marked(document, keyword)
    return sorted(
        {(parts, value if _hashable(value) else True) for parts, value in found}, key=repr
    )


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
