"""Deposit validator: dataset names in marked fields must be known to DAS.

Registered under the ``cap.deposit.validators`` entry point group; the
deposit service runs it on every save after the JSON Schema check. A field
marked ``"x-cap-das-dataset": true`` (or legacy ``"x-validate-das-path": {}``)
takes any loaded dataset, ``"data"`` or ``"mc"`` only collision data or only
Monte Carlo. Nothing is checked until a
list has been loaded (or with ``CAP_DAS_VALIDATE`` off).
"""

from flask import current_app

from ...core.errors import field_error
from ...schemas.keywords import DAS_PATH, values_at
from . import api
from .keywords import schema_marked_fields
from .names import KIND_DATA, KIND_MC

KIND_LABEL = {KIND_DATA: "collision data", KIND_MC: "Monte Carlo"}


def dataset_fields(schema, metadata):
    """``[(path, name, wanted kind or None)]`` of the marked fields holding a string."""
    keywords = (current_app.config["CAP_DAS_SCHEMA_KEYWORD"], DAS_PATH)
    marks = [mark for keyword in keywords for mark in schema_marked_fields(schema, keyword)]
    found = []
    for parts, mark in marks:
        kind = mark if mark in (KIND_DATA, KIND_MC) else None
        for path, value, _ in values_at(metadata, parts):
            if isinstance(value, str) and value.strip():
                found.append((path, value.strip(), kind))
    return found


def validate_datasets(schema, metadata, deposit=None):
    """Field errors for unknown datasets (or of the wrong kind); ``[]`` when fine."""
    if not current_app.config["CAP_DAS_VALIDATE"]:
        return []
    fields = dataset_fields(schema, metadata)
    kinds = api.lookup(name for _, name, _ in fields) if fields else None
    if kinds is None:  # nothing to check, or no list loaded yet
        return []
    errors = []
    for path, name, wanted in fields:
        if name not in kinds:
            errors.append(field_error(path, f"Unknown dataset {name!r}: DAS does not list it."))
        elif wanted and kinds[name] != wanted:
            errors.append(
                field_error(
                    path,
                    f"{name!r} is a {KIND_LABEL[kinds[name]]} dataset, "
                    f"not {KIND_LABEL[wanted]}.",
                )
            )
    return errors
