"""JSON Schema validation collecting every error, full or lenient.

Lenient validation (drafts) uses a copy of the schema without any
``required``, so half-done work can be saved. The editor's saves go further
(:func:`split_draft_errors`): only values the stored document cannot hold
(the wrong JSON type, a property the schema does not know) are refused; the
others (patterns, enums, lengths ...) are saved and reported, publish
refuses them. Full validation (publish) also checks ``format``.
"""

import copy
import re
from collections import OrderedDict
from threading import Lock

from jsonschema import Draft7Validator
from jsonschema.exceptions import SchemaError

from ..core.errors import field_error, field_label

# Keywords whose values are data, not subschemas: never rewritten.
_DATA_KEYWORDS = {"enum", "const", "default", "examples"}


def strip_required(schema):
    """A copy of ``schema`` without ``required`` anywhere.

    Only the keyword (a list) is dropped: a property called ``required``
    (a subschema under ``properties``) stays.
    """
    if isinstance(schema, list):
        return [strip_required(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    return {
        key: value if key in _DATA_KEYWORDS else strip_required(value)
        for key, value in schema.items()
        if not (key == "required" and isinstance(value, list))
    }


_NORMALIZE = {"uppercase": str.upper, "lowercase": str.lower, "trim": str.strip}


def normalized(schema, document):
    """``document`` with its strings normalised where the schema says so.

    ``x-cap-normalize``: ``uppercase`` (CADI ids: ``hig-21-004`` is
    ``HIG-21-004``), ``lowercase`` or ``trim``. The editor does the same as
    one types; this is for every other client.
    """
    if not isinstance(schema, dict):
        return document
    rule = _NORMALIZE.get(schema.get("x-cap-normalize"))
    if rule is not None and isinstance(document, str):
        return rule(document)
    if isinstance(document, list) and isinstance(schema.get("items"), dict):
        return [normalized(schema["items"], item) for item in document]
    if isinstance(document, dict) and isinstance(schema.get("properties"), dict):
        properties = schema["properties"]
        return {
            key: normalized(properties[key], value) if key in properties else value
            for key, value in document.items()
        }
    return document


def check_schema(schema):
    """The message of why ``schema`` is not a draft-07 JSON Schema, or ``None``."""
    try:
        Draft7Validator.check_schema(schema)
    except SchemaError as error:
        path = ".".join(str(part) for part in error.absolute_path)
        return f"{error.message} (at {path or 'the top'})"
    return None


def build_validator(schema, full=True):
    """A draft-07 validator; lenient (no ``required``, no formats) unless ``full``."""
    if full:
        return Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)
    return Draft7Validator(strip_required(schema))


def _field(error):
    """Path parts of the failing value; for ``required``, of the missing property."""
    parts = list(error.absolute_path)
    if error.validator == "required":
        instance = error.instance if isinstance(error.instance, dict) else {}
        missing = next(
            (
                name
                for name in error.validator_value
                if name not in instance and error.message.startswith(repr(name))
            ),
            None,
        )
        if missing is not None:
            parts.append(missing)
    return parts


def by_field(error):
    """Sort key of field errors: by field, then message."""
    return field_label(error["field"]), error["message"]


def collect_errors(validator, document):
    """Every error of ``document`` as ``[{"field", "message"}]``, ordered by field."""
    errors = [
        field_error(_field(error), error.message)
        for error in validator.iter_errors(document)
    ]
    return sorted(errors, key=by_field)


def _unknown_properties(error):
    """Names of the properties an ``additionalProperties`` error is about."""
    known = error.schema.get("properties") or {}
    patterns = list(error.schema.get("patternProperties") or {})
    instance = error.instance if isinstance(error.instance, dict) else {}
    return [
        name
        for name in instance
        if name not in known and not any(re.search(p, name) for p in patterns)
    ]


def split_draft_errors(validator, document):
    """``(refused, reported)`` errors of a draft, each ``[{"field", "message"}]``.

    ``refused``: values of the wrong type and unknown properties, one error
    per value (what the search mapping and the form cannot hold: a draft
    save leaves them out); ``reported``: every other error (saved anyway).
    """
    refused, reported = [], []
    for error in validator.iter_errors(document):
        if error.validator == "type":
            refused.append(field_error(_field(error), error.message))
        elif error.validator == "additionalProperties" and error.schema.get(
            "additionalProperties"
        ) is False:
            for name in _unknown_properties(error):
                path = [*error.absolute_path, name]
                refused.append(field_error(path, "This field is not part of the schema."))
        else:
            reported.append(field_error(_field(error), error.message))
    return sorted(refused, key=by_field), sorted(reported, key=by_field)


_MISSING = object()


def _step(node, part):
    """The child ``part`` (a string) of a dict or list ``node``, or ``_MISSING``."""
    if isinstance(node, dict):
        return node.get(part, _MISSING)
    if isinstance(node, list) and part.isdigit() and int(part) < len(node):
        return node[int(part)]
    return _MISSING


def value_at(document, path):
    """The value at ``path`` (string parts) in ``document``, or ``_MISSING``."""
    node = document
    for part in path:
        node = _step(node, part)
        if node is _MISSING:
            break
    return node


def without_values(document, previous, errors):
    """A copy of ``document`` where each field ``errors`` name has its
    ``previous`` value again (it was saved before), or is left out.

    A value refused at the top (field ``[]``) cannot be left out: ``None``.
    Array items are left out from the last one, so indexes stay right.
    """
    result = copy.deepcopy(document)
    paths = {tuple(error["field"]) for error in errors}
    if () in paths:
        return None

    def order(path):  # later array items first
        return [(0, -int(p)) if p.isdigit() else (1, p) for p in path]

    for path in sorted(paths, key=order):
        parent = value_at(result, path[:-1])
        old = value_at(previous, path)
        last = path[-1]
        if isinstance(parent, dict):
            if old is _MISSING:
                parent.pop(last, None)
            else:
                parent[last] = copy.deepcopy(old)
        elif isinstance(parent, list) and last.isdigit() and int(last) < len(parent):
            if old is _MISSING:
                del parent[int(last)]
            else:
                parent[int(last)] = copy.deepcopy(old)
    return result


class ValidatorCache:
    """A small thread-safe LRU of compiled validators."""

    def __init__(self, size=128):
        """Keep at most ``size`` validators."""
        self.size = size
        self._items = OrderedDict()
        self._lock = Lock()

    def get(self, key, build):
        """The validator under ``key``, built with ``build()`` when missing."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        validator = build()
        with self._lock:
            self._items[key] = validator
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return validator

    def clear(self):
        """Forget every validator."""
        with self._lock:
            self._items.clear()
