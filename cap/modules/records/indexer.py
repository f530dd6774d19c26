"""One indexer for drafts and records: the index comes from ``$schema``.

``INDEXER_RECORD_TO_INDEX`` points at :func:`record_to_index`, so the bulk
queue consumer (``process_bulk_queue``) routes documents the same way.

:class:`CAPRecordIndexer` builds every document CAP sends itself, at commit
time (``index``) and in a rebuild (``cap index reindex``, through
:meth:`CAPRecordIndexer.document`): one builder, on invenio-indexer's public
API, that gives what invenio-indexer's own preparation gives (the bulk queue
consumer's; tested field for field).
"""

import copy
from functools import lru_cache

from flask import current_app, g
from invenio_indexer.api import RecordIndexer
from invenio_indexer.signals import before_record_index
from invenio_search.utils import build_alias_name

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


class CAPRecordIndexer(RecordIndexer):
    """invenio-indexer's ``RecordIndexer`` whose documents come from :meth:`document`."""

    version_type = "external_gte"
    """A document carries its record's revision: an older one never replaces a newer."""

    def __init__(self, **kwargs):
        """invenio-indexer's indexer with :attr:`version_type`."""
        kwargs.setdefault("version_type", self.version_type)
        super().__init__(**kwargs)
        self.version_type = kwargs["version_type"]

    def document(self, record, index, data=None, arguments=None):
        """The search document of ``record`` for ``index`` (its unprefixed name).

        As invenio-indexer prepares it: the record's JSON with its references
        replaced (``INDEXER_REPLACE_REFS``; else ``record.dumps()``), deep-copied,
        plus ``_created`` and ``_updated``, then the ``before_record_index``
        hooks. ``data``: the record's JSON as a copy nobody else holds, with
        no reference in it (a row a rebuild just decoded): the document is
        built in it, without the copy.
        """
        if data is None:
            if current_app.config["INDEXER_REPLACE_REFS"]:
                data = copy.deepcopy(record.replace_refs())
            else:
                data = record.dumps()
        data["_created"] = record.created.isoformat() if record.created else None
        data["_updated"] = record.updated.isoformat() if record.updated else None
        # The signal's sender is the app itself, as invenio-indexer sends it
        # (Flask's documented way to reach the object behind current_app).
        before_record_index.send(
            current_app._get_current_object(), json=data, record=record, index=index,
            arguments={} if arguments is None else arguments,
        )
        return data

    def index(self, record, arguments=None, **kwargs):
        """Index a committed record (invenio-indexer's ``index``, our :meth:`document`)."""
        index = self.record_to_index(record)
        arguments = arguments or {}
        return self.client.index(
            id=str(record.id),
            version=record.revision_id,
            version_type=self.version_type,
            index=build_alias_name(index),
            body=self.document(record, index, arguments=arguments),
            **arguments,
        )

    def bulk_action(self, record, target, data=None):
        """The bulk ``index`` action of ``record`` into the index ``target`` (a rebuild's)."""
        return {
            "_op_type": "index",
            "_index": target,
            "_id": str(record.id),
            "_version": record.revision_id,
            "_version_type": self.version_type,
            "_source": self.document(record, self.record_to_index(record), data=data),
        }


def get_indexer():
    """The indexer of drafts and records."""
    return CAPRecordIndexer()


