"""The definition of a schema version, checked before it is stored.

A definition is what ``POST /jsonschemas/`` takes, what ``cap schemas
export`` prints, and what the loader assembles from the files of one
``<name>/v<M.m.p>/`` folder, or reads from one legacy CAP definition file
(the same keys in one JSON object). Legacy values are taken as they are:
``fullname: ""``, ``config: null``, ``allow_all``, a mapping given as a
whole index body (``{"settings", "mappings"}``, see ``mappings.py``), a
``$schema`` of draft-04 (validated as draft-07, as legacy CAP did).
"""

import re

from flask import current_app
from marshmallow import (
    RAISE,
    Schema,
    fields,
    post_load,
    pre_load,
    validate,
    validates,
    validates_schema,
)
from marshmallow import ValidationError as MarshmallowError

from ..core.errors import field_error
from .errors import InvalidSchemaError
from .mappings import MappingError, normalize_mapping
from .validation import check_schema

NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
VERSION = re.compile(r"^\d+\.\d+\.\d+$")

# Parts that define the data: changing them needs a new version.
IMMUTABLE_FIELDS = (
    "experiment",
    "is_indexed",
    "use_deposit_as_record",
    "deposit_schema",
    "deposit_mapping",
    "record_schema",
    "record_mapping",
)


def _check_mapping(value):
    """Refuse a mapping OpenSearch 2 cannot take, naming the part (nested messages)."""
    try:
        normalize_mapping(value)
    except MappingError as error:
        messages = [error.message]
        for part in reversed(error.path):
            messages = {part: messages}
        raise MarshmallowError(messages) from None


class SchemaDefinition(Schema):
    """Fields of a schema version; unknown fields are refused."""

    class Meta:
        """Name unknown fields as errors."""

        unknown = RAISE

    name = fields.String(
        required=True,
        validate=validate.Regexp(NAME, error="Lowercase letters, digits, '-' and '_' only."),
    )
    version = fields.String(
        required=True, validate=validate.Regexp(VERSION, error="Expected M.m.p, e.g. 1.0.0.")
    )
    fullname = fields.String(load_default=None, allow_none=True)
    experiment = fields.String(load_default=None, allow_none=True)
    is_indexed = fields.Boolean(load_default=True)
    # Legacy: every authenticated user may read the schema (form, validation).
    allow_all = fields.Boolean(load_default=False)
    use_deposit_as_record = fields.Boolean(load_default=None, allow_none=True)
    config = fields.Dict(load_default=dict)
    deposit_schema = fields.Dict(required=True)
    deposit_options = fields.Dict(load_default=None, allow_none=True)
    deposit_mapping = fields.Dict(load_default=None, allow_none=True, validate=_check_mapping)
    record_schema = fields.Dict(load_default=None, allow_none=True)
    record_options = fields.Dict(load_default=None, allow_none=True)
    record_mapping = fields.Dict(load_default=None, allow_none=True, validate=_check_mapping)

    @pre_load
    def _normalize(self, data, **kwargs):
        """Drop read-only ``links``; accept ``v1.0.0`` for ``1.0.0``."""
        if isinstance(data, dict):
            data = {key: value for key, value in data.items() if key != "links"}
            if isinstance(data.get("version"), str) and data["version"].startswith("v"):
                data["version"] = data["version"][1:]
            if data.get("config") is None and "config" in data:
                data["config"] = {}
        return data

    @validates("experiment")
    def _known_experiment(self, value, **kwargs):
        experiments = current_app.config["CAP_EXPERIMENTS"]
        if value is not None and value not in experiments:
            raise MarshmallowError(f"Unknown experiment; one of {sorted(experiments)} or null.")

    @validates("deposit_schema")
    def _deposit_schema(self, value, **kwargs):
        self._json_schema(value)

    @validates("record_schema")
    def _record_schema(self, value, **kwargs):
        if value is not None:
            self._json_schema(value)

    @staticmethod
    def _json_schema(value):
        problem = check_schema(value)
        if problem:
            # Nested under the bad keyword's path, so the error names it
            # (["deposit_schema", "properties", "x", "pattern"]).
            path, message = problem
            messages = [f"Not a draft-07 JSON Schema: {message}"]
            for part in reversed(path):
                messages = {part: messages}
            raise MarshmallowError(messages)

    @validates_schema
    def _record_parts(self, data, **kwargs):
        as_deposit = data.get("use_deposit_as_record")
        if as_deposit:
            # The effective record parts (as GET shows them) may come back.
            for kind in ("schema", "mapping"):
                record = data.get(f"record_{kind}")
                if record is not None and record != data.get(f"deposit_{kind}"):
                    raise MarshmallowError(
                        "Must be absent (or the deposit one) when use_deposit_as_record "
                        "is true.",
                        f"record_{kind}",
                    )

    @post_load
    def _record_defaults(self, data, **kwargs):
        if data["use_deposit_as_record"] is None:
            data["use_deposit_as_record"] = data["record_schema"] is None
        if data["use_deposit_as_record"]:
            data["record_schema"] = data["record_mapping"] = None
        elif data["record_schema"] is None:
            # Legacy files say use_deposit_as_record false and give no record
            # schema (ml-applications-use): legacy CAP's record schema was then
            # its column default, {}, which takes any record.
            data["record_schema"] = {}
        return data


def _flatten(messages, prefix=()):
    """Marshmallow's nested messages as ``[{"field", "message"}]``."""
    errors = []
    for key, value in messages.items():
        field = (*prefix, key) if key != "_schema" else prefix
        if isinstance(value, dict):
            errors += _flatten(value, field)
            continue
        for message in value:
            # A field validator's nested messages (mappings) come as a dict in the list.
            if isinstance(message, dict):
                errors += _flatten(message, field)
            else:
                errors.append(field_error(field, message))
    return errors


def load_definition(data, source=None):
    """The checked definition; :class:`InvalidSchemaError` naming every bad field."""
    if not isinstance(data, dict):
        raise InvalidSchemaError("A schema definition must be a JSON object.")
    try:
        return SchemaDefinition().load(data)
    except MarshmallowError as error:
        where = f" in {source}" if source else ""
        raise InvalidSchemaError(
            f"The schema definition is not valid{where}.", errors=_flatten(error.messages)
        ) from None
