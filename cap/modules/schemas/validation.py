"""JSON Schema validation collecting every error, full or lenient.

Lenient validation (drafts) uses a copy of the schema without any
``required``, so half-done work can be saved: types, enums, patterns and
the like still apply. The editor's saves go further
(:func:`split_draft_errors`): only values the stored document cannot hold
(the wrong JSON type, a property the schema does not know) are refused; the
others (patterns, enums, lengths ...) are saved and reported, publish
refuses them. Full validation (publish) also checks ``format``.

Every schema is validated as draft-07, whatever its ``$schema`` says
(legacy CAP definitions say draft-04 and were validated as draft-07 too).
``$ref`` to another registered schema by its URL is resolved by a
``retrieve`` function the caller gives (the registry), never over the
network. A string whose schema gives a ``type`` but no ``maxLength`` is
limited to ``max_length`` characters (``CAP_SCHEMAS_STRING_MAX_LENGTH``).
"""

import copy
import re
from collections import OrderedDict
from threading import Lock

from jsonschema import Draft7Validator
from jsonschema.exceptions import SchemaError
from jsonschema.exceptions import ValidationError as JSONSchemaError
from jsonschema.validators import extend
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource, Unresolvable
from referencing.jsonschema import DRAFT7

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
    """``(path, message)`` of why ``schema`` is not a draft-07 JSON Schema
    (``path``: the parts down to the bad keyword, strings), or ``None``."""
    try:
        Draft7Validator.check_schema(schema)
    except SchemaError as error:
        return [str(part) for part in error.absolute_path], error.message
    return None


class StringTooLongError(JSONSchemaError):
    """A string longer than the limit of fields whose schema sets no ``maxLength``.

    Raised under the ``type`` keyword (a draft save refuses it as it refuses
    a wrong type); its own class tells it apart from a wrong type.
    """

    def __init__(self, length, limit):
        """Keep the string's ``length`` and the ``limit`` it passes."""
        super().__init__(f"Is {length} characters long: at most {limit}.")
        self.length = length
        self.limit = limit


def _limited_type(max_length):
    """The ``type`` keyword, also limiting strings whose schema has no ``maxLength``."""
    check_type = Draft7Validator.VALIDATORS["type"]

    def type_and_length(validator, types, instance, schema):
        yield from check_type(validator, types, instance, schema)
        if (
            isinstance(instance, str)
            and "maxLength" not in schema
            and len(instance) > max_length
        ):
            yield StringTooLongError(len(instance), max_length)

    return type_and_length


def _registry(retrieve, full):
    """A registry loading ``$ref``'d documents with ``retrieve(url)`` (``None``: unknown)."""
    if retrieve is None:
        return Registry()

    def resource(uri):
        document = retrieve(uri)
        if document is None:
            raise NoSuchResource(ref=uri)
        # As draft-07 whatever its $schema says (draft-04 would read "id" as a base URI).
        return Resource(document if full else strip_required(document), specification=DRAFT7)

    return Registry(retrieve=resource)


def build_validator(schema, full=True, retrieve=None, max_length=None):
    """A draft-07 validator; lenient (no ``required``, no formats) unless ``full``.

    ``retrieve(url)`` gives the document a non-local ``$ref`` names (or
    ``None``); ``max_length`` limits strings without a ``maxLength``.
    """
    cls = Draft7Validator
    if max_length:
        cls = extend(Draft7Validator, {"type": _limited_type(max_length)})
    registry = _registry(retrieve, full)
    if full:
        return cls(schema, format_checker=Draft7Validator.FORMAT_CHECKER, registry=registry)
    return cls(strip_required(schema), registry=registry)


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


# Where a schema gives its own words for a failing keyword: a text, or one
# per keyword (as ajv-errors has it). The editor reads the same keys
# (ui/src/validator.js `ownWords`), so both say the same.
OWN_WORDS_KEYS = ("x-cap-error", "errorMessage")

_FORMATS = {
    "email": "an email address",
    "date": "a date (YYYY-MM-DD)",
    "date-time": "a date and time",
    "uri": "a web address (https://…)",
    "url": "a web address (https://…)",
}

_TYPES = {
    "integer": "a whole number",
    "number": "a number",
    "string": "text",
    "boolean": "yes or no",
    "array": "a list",
    "object": "a group of fields",
    "null": "empty",
}

# Enum values are listed in a message up to this many.
_ENUM_LISTED = 10


def own_words(schema, keyword):
    """The schema's own message for a failing ``keyword``, or ``None``."""
    for key in OWN_WORDS_KEYS:
        words = schema.get(key)
        if isinstance(words, str):
            return words
        if isinstance(words, dict) and isinstance(words.get(keyword), str):
            return words[keyword]
    return None


def _counted(number, word, plural=None):
    """``"1 character"``, ``"3 characters"``."""
    return f"{number} {word if number == 1 else plural or word + 's'}"


def _title(schema, parts):
    """What a field is called: its schema's ``title``, else its name."""
    if isinstance(schema, dict) and isinstance(schema.get("title"), str):
        return schema["title"]
    names = [part for part in parts if not str(part).isdigit()]
    return str(names[-1]).replace("_", " ").capitalize() if names else "The document"


def _form_words(schema):
    """``": <description> (e.g. <example>)"``: the expected form, from the schema."""
    description = schema.get("description")
    examples = schema.get("examples")
    example = f"e.g. {examples[0]}" if isinstance(examples, list) and examples else ""
    if isinstance(description, str) and description:
        return f": {description}" + (f" ({example})" if example else "")
    return f": {example}" if example else ""


def _required_words(error, parts):
    """``"<title> is required"``, the title of the missing property."""
    if len(parts) == len(error.absolute_path):  # which property is missing is unknown
        return f"{_title(error.schema, parts)} lacks a required field"
    properties = error.schema.get("properties") or {}
    return f"{_title(properties.get(parts[-1]), parts)} is required"


def in_words(error, parts):
    """The message of a JSON Schema ``error`` at field ``parts`` in the schema's words.

    The schema's own words where it gives them (:data:`OWN_WORDS_KEYS`), else
    a sentence naming the field by its ``title``: never a regular expression
    (a pattern is described by the field's ``description`` and ``examples``).
    """
    schema = error.schema if isinstance(error.schema, dict) else {}
    words = own_words(schema, error.validator)
    if words:
        return words
    if error.validator == "required":
        return _required_words(error, parts)
    title = _title(schema, parts)
    value = error.validator_value
    if isinstance(error, StringTooLongError):
        return (
            f"{title} is {error.length} characters long: at most {error.limit} "
            "(the limit of fields whose schema sets no maxLength)"
        )
    if error.validator == "pattern":
        return f"{title} is not in the expected form{_form_words(schema)}"
    if error.validator == "format":
        return f"{title} must be {_FORMATS.get(value, f'a valid {value}')}"
    if error.validator == "enum":
        listed = ", ".join(str(item) for item in value) if len(value) <= _ENUM_LISTED else ""
        return f"{title} must be one of the listed values" + (f": {listed}" if listed else "")
    if error.validator == "type":
        types = value if isinstance(value, list) else [value]
        return f"{title} must be " + " or ".join(_TYPES.get(t, t) for t in types)
    sentences = {
        "const": "has an unexpected value",
        "minLength": "must not be empty"
        if value == 1
        else f"must have at least {_counted(value, 'character')}",
        "maxLength": f"must have at most {_counted(value, 'character')}",
        "minItems": f"needs at least {_counted(value, 'entry', 'entries')}",
        "maxItems": f"takes at most {_counted(value, 'entry', 'entries')}",
        "uniqueItems": "has the same entry twice",
        "minimum": f"must be at least {value}",
        "maximum": f"must be at most {value}",
        "exclusiveMinimum": f"must be more than {value}",
        "exclusiveMaximum": f"must be less than {value}",
        "multipleOf": f"must be a multiple of {value}",
        "not": "has a value the schema rules out",
        "anyOf": "does not fit any of the forms the schema allows",
        "oneOf": "must fit exactly one of the forms the schema allows",
        "additionalProperties": "has fields the schema does not know: "
        + ", ".join(_unknown_properties(error)),
    }
    if error.validator in sentences:
        return f"{title} {sentences[error.validator]}"
    return f"{title}: {error.message}"


def _field_error(error):
    """The ``{"field", "message"}`` of a JSON Schema ``error``, in the schema's words."""
    parts = _field(error)
    return field_error(parts, in_words(error, parts))


def by_field(error):
    """Sort key of field errors: by field, then message."""
    return field_label(error["field"]), error["message"]


def collect_errors(validator, document):
    """Every error of ``document`` as ``[{"field", "message"}]``, ordered by field."""
    try:
        errors = [_field_error(error) for error in validator.iter_errors(document)]
    except Unresolvable as error:
        return [_unresolvable(error)]
    return sorted(errors, key=by_field)


def _unresolvable(error):
    """The error of a document whose schema ``$ref``s a schema no longer registered:
    about the whole document (field ``[]``), nothing of it can be checked."""
    return field_error([], f"The schema refers to {error.ref}, which cannot be resolved.")


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
    A ``$ref`` that cannot be resolved refuses the whole document.
    """
    refused, reported = [], []
    try:
        for error in validator.iter_errors(document):
            if error.validator == "type":
                refused.append(_field_error(error))
            elif error.validator == "additionalProperties" and error.schema.get(
                "additionalProperties"
            ) is False:
                for name in _unknown_properties(error):
                    path = [*error.absolute_path, name]
                    refused.append(field_error(path, "This field is not part of the schema."))
            else:
                reported.append(_field_error(error))
    except Unresolvable as error:
        # Refused as a whole (field []): a save stores nothing it could not check.
        return [_unresolvable(error)], []
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
