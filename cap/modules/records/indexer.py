"""One indexer for drafts and records: the index comes from ``$schema``.

``INDEXER_RECORD_TO_INDEX`` points at :func:`record_to_index`, so the bulk
queue consumer (``process_bulk_queue``) routes documents the same way.
"""

from functools import lru_cache

from flask import g
from invenio_indexer.api import RecordIndexer

from ..schemas.errors import SchemaNotFoundError
from ..schemas.urls import index_name, parse_schema_url


def _schema_of(data):
    from ..schemas.api import get_schema_by_url

    # A bulk rebuild (cap index reindex) opts in to one look-up per schema URL.
    cache = g.get("cap_schema_cache")
    if cache is None:
        return get_schema_by_url(data["$schema"])
    url = data["$schema"]
    schema = cache.get(url)
    if schema is None:
        schema = cache[url] = get_schema_by_url(url)
    return schema


def is_record(data):
    """Whether the JSON is a published record (it has a recid)."""
    return "control_number" in data


def _name_and_version(url):
    """``(name, M.m.p)`` of a ``$schema`` URL (``None`` if not one of ours)."""
    return _parsed_name_and_version(url) if isinstance(url, str) else None


@lru_cache(maxsize=1024)
def _parsed_name_and_version(url):
    """Pure string work on a handful of distinct URLs: cached."""
    parsed = parse_schema_url(url)
    if parsed is None:
        return None
    _, name, version = parsed
    return name, ".".join(str(int(part)) for part in version.split("."))


def record_to_index(record):
    """The (unprefixed) index of a draft or a record: name and version are in
    its ``$schema`` URL, so no look-up."""
    parsed = _name_and_version(record.get("$schema"))
    if parsed is None:
        raise SchemaNotFoundError(record.get("$schema"))
    return index_name("record" if is_record(record) else "deposit", *parsed)


def schema_info_of(data):
    """``{name, version, fullname}`` of the schema of ``data`` (a record or its JSON).

    A record the service resolved the schema for in this call carries it
    (``schema_info``, checked against ``$schema``); otherwise looked up.
    Raises :class:`SchemaNotFoundError` for an unknown schema.
    """
    info = getattr(data, "schema_info", None)
    if info and _name_and_version(data.get("$schema")) == (info["name"], info["version"]):
        return info
    return _schema_of(data).info


SEARCH_ONLY_FIELDS = ("created", "updated")
"""Top-level fields the hook below adds for sorting; not part of the record."""


def add_search_fields(sender, json=None, record=None, index=None, **kwargs):
    """``before_record_index`` hook: ``_schema``, ``created``, ``updated``."""
    if json is None or "$schema" not in json or "_deposit" not in json:
        return  # not a CAP draft or record
    try:
        info = schema_info_of(record if record is not None else json)
    except Exception:  # not one of ours: leave the document alone
        return
    json["_schema"] = dict(info)
    json["created"] = record.created.isoformat() if record.created else None
    json["updated"] = record.updated.isoformat() if record.updated else None


def get_indexer():
    """The indexer of drafts and records."""
    return RecordIndexer()


