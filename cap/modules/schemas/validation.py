"""JSON Schema validation collecting every error, full or lenient.

Lenient validation (drafts) uses a copy of the schema without any
``required``, so half-done work can be saved: types, enums, patterns and
the like still apply. Full validation (publish) also checks ``format``.
"""

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


def collect_errors(validator, document):
    """Every error of ``document`` as ``[{"field", "message"}]``, ordered by field."""
    errors = [
        field_error(_field(error), error.message)
        for error in validator.iter_errors(document)
    ]
    return sorted(errors, key=lambda error: (field_label(error["field"]), error["message"]))


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
