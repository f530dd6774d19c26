"""One indexer for drafts and records: the index comes from ``$schema``.

``INDEXER_RECORD_TO_INDEX`` points at :func:`record_to_index`, so the bulk
queue consumer (``process_bulk_queue``) routes documents the same way.
"""

from invenio_indexer.api import RecordIndexer


def _schema_of(data):
    from flask import g

    from ..schemas.api import get_schema_by_url

    # A bulk rebuild (cap index reindex) opts in to one look-up per schema URL.
    cache = g.get("cap_schema_cache")
    if cache is None:
        return get_schema_by_url(data["$schema"])
    url = data["$schema"]
    if url not in cache:
        cache[url] = get_schema_by_url(url)
    return cache[url]


def is_record(data):
    """Whether the JSON is a published record (it has a recid)."""
    return "control_number" in data


def record_to_index(record):
    """The (unprefixed) index of a draft or a record, from its schema."""
    schema = _schema_of(record)
    return schema.record_index if is_record(record) else schema.deposit_index


SEARCH_ONLY_FIELDS = ("created", "updated")
"""Top-level fields the hook below adds for sorting; not part of the record."""


def add_search_fields(sender, json=None, record=None, index=None, **kwargs):
    """``before_record_index`` hook: ``_schema``, ``created``, ``updated``."""
    if json is None or "$schema" not in json or "_deposit" not in json:
        return  # not a CAP draft or record
    try:
        schema = _schema_of(json)
    except Exception:  # not one of ours: leave the document alone
        return
    json["_schema"] = {
        "name": schema.name,
        "version": schema.version,
        "fullname": schema.fullname,
    }
    json["created"] = record.created.isoformat() if record.created else None
    json["updated"] = record.updated.isoformat() if record.updated else None


def get_indexer():
    """The indexer of drafts and records."""
    return RecordIndexer()


