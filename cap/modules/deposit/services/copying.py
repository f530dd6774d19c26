"""Copied fields: ``x-cap-copy`` / ``x-cap-copyto``, applied when a draft is saved.

A legacy definition marks a field with ``{"path": [[key, ...], ...],
"x-cap-order": n}``; legacy CAP then copied the field's value, as the draft
was saved, into each listed path of the document (keys from the top; a
missing parent is created as an object). Where the value lands:

- a string or number replaces what the target held;
- an empty or missing target takes the value;
- a list target gets the value's items it does not have yet (a union);
- an object target is deep-merged with an object value;
- anything else is replaced.

Copies run in ``x-cap-order`` order (unmarked ones last), each field's
values in document order (every item's, for a field inside an array). The
save validates, protects and indexes the document with the copies in it:
they are user metadata like any other.
"""

import copy

from ...core.errors import ValidationError, field_error
from ...schemas.keywords import COPY, COPY_TO, schema_marked_values, values_at

LAST = float("inf")
"""The ``x-cap-order`` of a copy that gives none."""


def copies(schema):
    """``[(order, source parts, [target paths])]`` of ``schema``'s deposit document, in order."""
    found = []
    for keyword in (COPY, COPY_TO):
        for parts, rule in schema_marked_values(schema, keyword):
            if not isinstance(rule, dict):
                continue
            targets = [
                tuple(path)
                for path in rule.get("path") or []
                if isinstance(path, list) and path and all(isinstance(k, str) for k in path)
            ]
            order = rule.get("x-cap-order")
            if targets:
                found.append((order if isinstance(order, (int, float)) else LAST, parts, targets))
    return sorted(found, key=lambda copy_rule: copy_rule[0])


def with_copies(schema, metadata):
    """``metadata`` with the values of its copied fields copied (a new document)."""
    rules = copies(schema)
    if not rules:
        return metadata
    document = copy.deepcopy(metadata)
    for _, parts, targets in rules:
        for source_path, value, _ in values_at(document, parts):
            for target in targets:
                _copy_into(document, target, copy.deepcopy(value), source_path)
    return document


def _copy_into(document, target, value, source_path):
    node = document
    for depth, key in enumerate(target[:-1]):
        child = node.get(key)
        if child is None:
            child = node[key] = {}
        if not isinstance(child, dict):
            parent = ".".join(target[: depth + 1])
            message = (
                f"{source_path!r} is copied to {'.'.join(target)!r}, but {parent!r} "
                "holds no object."
            )
            raise ValidationError(message, [field_error(list(target[: depth + 1]), message)])
        node = child
    node[target[-1]] = merged(node.get(target[-1]), value)


def merged(target, value):
    """What a target holding ``target`` holds once ``value`` is copied into it."""
    if isinstance(value, (str, int, float)) or not target:
        return value
    if isinstance(target, list):
        union = list(target)
        for item in value if isinstance(value, list) else [value]:
            if item not in union:
                union.append(item)
        return union
    if isinstance(target, dict) and isinstance(value, dict):
        merged_object = dict(target)
        for key, item in value.items():  # objects both hold merge deeper, the rest replaces
            below = merged_object.get(key)
            both = isinstance(below, dict) and isinstance(item, dict)
            merged_object[key] = merged(below, item) if both else item
        return merged_object
    return value
