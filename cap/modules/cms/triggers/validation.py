"""Deposit validator: HLT paths in marked fields must be listed for their dataset.

A field marked ``"x-cap-hlt-trigger": true`` holds a path name; its dataset
and year come from the objects around it (``CAP_TRIGGERS_CONTEXT_FIELDS``,
nearest first; the year may also come from the dataset's era). When the list
has paths for that dataset and year, the name must be one of them;
otherwise it must at least be a known path. Nothing is checked until a list
has been loaded (or with ``CAP_TRIGGERS_VALIDATE`` off). Legacy schemas mark
the dataset object instead (``"x-validate-cms-trigger": {}``): its
``triggers.*.trigger`` are checked the same way.
"""

from collections import defaultdict

from flask import current_app
from invenio_search.engine import search

from ...core.errors import field_error
from ...schemas.keywords import CMS_TRIGGER, CMS_TRIGGER_FIELD, values_at
from ..das.keywords import schema_marked_fields
from . import api


def _context(parents, keys):
    for parent in reversed(parents):
        for key in keys:
            if key in parent:
                return parent[key]
    return None


def trigger_fields(schema, metadata):
    """``[(path, trigger, base or None, primary dataset or None, year or None)]``."""
    config = current_app.config
    keyword = config["CAP_TRIGGERS_SCHEMA_KEYWORD"]
    context = config["CAP_TRIGGERS_CONTEXT_FIELDS"]
    marked = [parts for parts, _ in schema_marked_fields(schema, keyword)]
    marked += [
        (*parts, *CMS_TRIGGER_FIELD) for parts, _ in schema_marked_fields(schema, CMS_TRIGGER)
    ]
    found = []
    for parts in sorted(set(marked)):
        for path, value, parents in values_at(metadata, parts):
            if not isinstance(value, str) or not value.strip():
                continue
            dataset = _context(parents, context.get("dataset", []))
            year = _context(parents, context.get("year", []))
            if not isinstance(year, int) or isinstance(year, bool):
                year = api.year_of(dataset)
            primary = api.primary_of(dataset)
            found.append((path, value.strip(), api.base_name(value), primary, year))
    return found


def validate_triggers(schema, metadata, deposit=None):
    """Field errors for unknown trigger paths; ``[]`` when fine."""
    if not current_app.config["CAP_TRIGGERS_VALIDATE"]:
        return []
    fields = trigger_fields(schema, metadata)
    if not fields:
        return []
    try:
        return _check(fields)
    except search.NotFoundError:  # no list loaded yet: nothing to check against
        return []


def _check(fields):
    """Field errors of ``fields`` against the loaded list."""
    groups = defaultdict(set)
    for _, _, base, primary, year in fields:
        if base:
            groups[(primary, year)].add(base)
    valid, scoped = {}, {}
    for (primary, year), bases in groups.items():
        scoped[(primary, year)] = bool(primary) and api.listed(primary, year) > 0
        if scoped[(primary, year)]:
            valid[(primary, year)] = api.known_bases(bases, primary, year)
        else:
            valid[(primary, year)] = api.known_bases(bases)
    errors = []
    for path, value, base, primary, year in fields:
        if base is None:
            continue  # not an HLT name: the schema's pattern reports it
        if base in valid[(primary, year)]:
            continue
        if scoped[(primary, year)]:
            where = primary + (f" in {year}" if year else "")
            errors.append(field_error(path, f"{value!r} is not a trigger of {where}."))
        else:
            errors.append(field_error(path, f"Unknown trigger {value!r}."))
    return errors
