"""Fields a schema marks with a custom keyword, and their values in metadata.

A schema marks a field with e.g. ``"x-cap-das-dataset": true``; validators
find the marked fields once per schema version (cached) as paths like
``("input_data", "primary_datasets", "*", "path")`` and then read every
value at those paths of a document, with the objects above each value (so a
trigger can see the dataset and year next to it).
"""

from ...schemas.keywords import marked_fields as _marked
from ...schemas.keywords import schema_marked_values


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
    return sorted(
        {
            (parts, value if _hashable(value) else True)
            for parts, value in schema_marked_values(schema, keyword, kind)
        },
        key=repr,
    )
