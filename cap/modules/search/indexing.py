"""Rebuilding and checking the search indexes from the database.

The database is the source of truth. :func:`reindex` builds a fresh index
per schema version and kind (``<index>-<timestamp>``), bulk-loads every
draft or record into the index of its version and kind (one pass over
``records_metadata``), then moves the aliases of all of them over in one
atomic update and drops the old indexes. Searches go through the aliases
(``deposits``, ``deposits-<name>`` ...) and keep answering throughout.

The indexer writes to the schema's index name (``deposits-<name>-v<M.m.p>``,
see :func:`cap.modules.records.indexer.record_to_index`). After the first
rebuild that name becomes an alias of the fresh index (the old index is
removed in the same atomic alias update), so the indexer keeps working
unchanged. Changes indexed while the load ran are caught up after the
switch (every record updated since the start is indexed again).

A rebuilt document is the one ``indexer.index`` sends after a commit: both
come from the indexer's ``document`` (:mod:`cap.modules.records.indexer`),
here built straight from the row; sent with opensearch-py's ``parallel_bulk``.

:func:`check` compares ``records_metadata`` (id, ``version_id``) with the
documents (id, ``_version``: the indexer stores the revision as an external
version) and reports missing, stale and orphan documents; ``fix=True``
indexes or deletes them.
"""

import json
import uuid
from collections import Counter
from datetime import UTC, datetime

from flask import current_app, g
from invenio_db import db
from invenio_records.api import Record
from invenio_records.models import RecordMetadata
from invenio_search import current_search, current_search_client
from invenio_search.engine import search
from invenio_search.utils import build_alias_name, prefix_index
from sqlalchemy import Text, and_, cast, func, not_, or_

from ..records.indexer import get_indexer
from ..schemas.api import list_schemas, schema_index_body
from ..schemas.urls import parse_schema_url

KINDS = ("deposit", "record")


def _kind_filter(kind):
    has_recid = RecordMetadata.json["control_number"].as_string().isnot(None)
    return has_recid if kind == "record" else not_(has_recid)


def _schema_filter(schema):
    """Rows whose ``$schema`` is one of this schema version's URLs."""
    url = RecordMetadata.json["$schema"].as_string()
    return url.like(f"%/{schema.name}-v{schema.version}.json")


def record_rows(schema, kind):
    """The query of live rows of one schema version and kind."""
    return RecordMetadata.query.filter(
        and_(RecordMetadata.json.isnot(None), _schema_filter(schema), _kind_filter(kind))
    )


def _rows(schemas):
    """The query of live rows of any of these schema versions, either kind."""
    return RecordMetadata.query.filter(
        RecordMetadata.json.isnot(None), or_(*[_schema_filter(s) for s in schemas])
    )


class _Router:
    """``(schema name, version, kind)`` of a row's JSON, ``None`` if not rebuilt.

    The same test as :func:`record_rows` in SQL: the last segment of
    ``$schema`` names the version, a ``control_number`` makes it a record.
    """

    def __init__(self, schemas):
        self.files = {f"{s.name}-v{s.version}.json": (s.name, s.version) for s in schemas}

    def __call__(self, data):
        url = data.get("$schema")
        found = self.files.get(url.rsplit("/", 1)[-1]) if isinstance(url, str) else None
        if found is None:
            return None
        return (*found, "record" if data.get("control_number") is not None else "deposit")


def _targets(schema, kind):
    """``(write name, [search aliases])`` of one schema version and kind, prefixed."""
    write = prefix_index(getattr(schema, f"{kind}_index"))
    aliases = [build_alias_name(f"{kind}s"), build_alias_name(f"{kind}s-{schema.name}")]
    return write, aliases


def concrete_indexes(name):
    """The indexes behind a name (itself when it is an index), ``[]`` when missing."""
    try:
        return sorted(current_search_client.indices.get(index=name).keys())
    except search.exceptions.NotFoundError:
        return []


class _Row:
    """The columns of a ``records_metadata`` row a document is built from.

    Stands in for the model under :class:`Record` (``id``, ``revision_id``,
    ``created``, ``updated`` read it): no ORM instance per row. The id comes
    as text (what the bulk action needs); ``id`` is its :class:`~uuid.UUID`.
    """

    __slots__ = ("id_text", "json", "version_id", "created", "updated")

    def __init__(self, id_text, json, version_id, created, updated):
        self.id_text, self.json, self.version_id = id_text, json, version_id
        self.created, self.updated = created, updated

    @property
    def id(self):
        return uuid.UUID(self.id_text)


def _actions(app, schemas, targets, counts, batch):
    """Bulk actions of every row of these schema versions that belongs to a target
    index (``targets``: ``{(name, version, kind): index}``), counted per target.

    opensearch-py's ``parallel_bulk`` reads this generator in its own feeding
    thread, so it works in an app context of its own (its own database
    session; the schema look-ups of the indexing hooks cached for it: one
    query per ``$schema`` URL instead of two per document). Each document
    is the indexer's :meth:`~cap.modules.records.indexer.CAPRecordIndexer.document`
    of the row, built in the freshly decoded JSON unless it holds ``"$ref"``
    (then the indexer copies it with its references replaced).
    """
    with app.app_context():
        g.cap_schema_cache = {}
        indexer = get_indexer()
        route = _Router(schemas)
        for text, row in _stream(_rows(schemas), batch):
            data = json.loads(text)
            key = route(data)
            if key is None:
                continue
            counts[key] += 1
            own = None if '"$ref"' in text else data
            yield indexer.bulk_action(Record(data, model=row), targets[key], data=own)


def _stream(query, batch):
    """``(JSON text, row)`` of every row of a query, read through a server-side
    cursor ``batch`` rows at a time: one scan, nothing kept in the session."""
    columns = (cast(RecordMetadata.json, Text), cast(RecordMetadata.id, Text),
               RecordMetadata.version_id, RecordMetadata.created, RecordMetadata.updated)
    statement = query.with_entities(*columns).statement.execution_options(yield_per=batch)
    for text, id_text, version_id, created, updated in db.session.execute(statement):
        yield text, _Row(id_text, None, version_id, created, updated)


def send_bulk(actions, batch, threads=1, progress=None):
    """Send actions with opensearch-py's ``parallel_bulk``: requests of ``batch``
    actions, ``threads`` of them in flight while the next chunk is prepared.

    Version conflicts (a newer document already there) are fine; any other
    refusal raises once everything was sent. Returns the number of actions.
    """
    count, refused = 0, []
    for ok, item in search.helpers.parallel_bulk(
        current_search.client, actions, thread_count=max(threads, 1), chunk_size=batch,
        raise_on_error=False, request_timeout=120,
    ):
        count += 1
        if not ok and (item.get("index") or {}).get("status") != 409:
            refused.append(item)
        if progress is not None:
            progress(1)
    if refused:
        raise RuntimeError(f"Bulk load failed for {len(refused)} documents: {refused[:3]}")
    return count


def bulk_load(schemas, targets, progress=None):
    """Load every row of these schema versions into its target index.

    ``targets``: ``{(name, version, kind): index}``. One pass over the
    table; returns ``{(name, version, kind): documents}``.
    """
    config = current_app.config
    counts = Counter()
    # The real app object, for the feeding thread's own app context (Flask's
    # documented way to hand the app behind current_app to another thread).
    app = current_app._get_current_object()
    actions = _actions(app, schemas, targets, counts, config["CAP_SEARCH_REINDEX_BATCH"])
    send_bulk(actions, config["CAP_SEARCH_REINDEX_BATCH"],
              config["CAP_SEARCH_REINDEX_THREADS"], progress)
    return counts


def _switch(moves):
    """Point each target's aliases (and write name) at its new index; drop the old ones.

    ``moves``: ``[(write, aliases, old indexes, new index)]``, all switched
    together.
    """
    first, second, drop = [], [], []
    for write, aliases, old, new in moves:
        first += [{"add": {"index": new, "alias": alias}} for alias in aliases]
        first += [{"remove": {"index": idx, "alias": alias}} for idx in old for alias in aliases]
        second.append({"add": {"index": new, "alias": write}})
        for idx in old:
            if idx == write:
                second.append({"remove_index": {"index": idx}})
            else:
                second.append({"remove": {"index": idx, "alias": write}})
                drop.append(idx)
    # Searches go through the aliases: move them first, all in one atomic step.
    current_search_client.indices.update_aliases(body={"actions": first})
    # Then the write names: removing an index of the same name and adding the
    # alias is one atomic step, so the indexer never finds the name missing.
    current_search_client.indices.update_aliases(body={"actions": second})
    for idx in drop:
        current_search_client.indices.delete(index=idx, ignore=[404])


def reindex(name=None, progress=None):
    """Rebuild the indexes of every schema (or one type); ``[(index, count)]``.

    Every target index is created (refresh off), loaded in one pass over the
    rows, refreshed, then all aliases switch together; writes made during
    the load are caught up after the switch.
    """
    schemas = indexed_schemas(name)
    if not schemas:
        return []
    suffix = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
    settings = dict(current_app.config["CAP_SCHEMAS_INDEX_SETTINGS"])
    targets, moves = {}, []
    try:
        for schema in schemas:
            for kind in KINDS:
                write, aliases = _targets(schema, kind)
                new = f"{write}-{suffix}"
                body = schema_index_body(schema, kind)
                body["settings"]["index"].update({"refresh_interval": "-1"})
                current_search_client.indices.create(index=new, body=body)
                targets[(schema.name, schema.version, kind)] = new
                moves.append((write, aliases, new))
        started = datetime.now(UTC).replace(tzinfo=None)
        counts = bulk_load(schemas, targets, progress)
        for new in targets.values():
            current_search_client.indices.put_settings(
                index=new,
                body={"index": {"refresh_interval": settings.get("refresh_interval", "1s")}},
            )
            current_search_client.indices.refresh(index=new)
        _switch([(write, aliases, concrete_indexes(write), new)
                 for write, aliases, new in moves])
    except Exception:
        for new in targets.values():
            current_search_client.indices.delete(index=new, ignore=[404])
        raise
    catch_up(schemas, since=started)
    return [(new, counts[key]) for key, new in targets.items()]


def catch_up(schemas, since):
    """Index again what changed in the database since ``since`` (writes during a load)."""
    indexer = get_indexer()
    route = _Router(schemas)
    rows = [row for row in _rows(schemas).filter(RecordMetadata.updated >= since)
            if route(row.json) is not None]
    for row in rows:
        indexer.index(Record(row.json, model=row))
    # Rows deleted meanwhile (their JSON is gone): drop their documents.
    deleted = [str(id_) for (id_,) in db.session.query(RecordMetadata.id).filter(
        RecordMetadata.json.is_(None), RecordMetadata.updated >= since)]
    if deleted:
        aliases = sorted({build_alias_name(f"{kind}s-{schema.name}")
                          for schema in schemas for kind in KINDS})
        answer = current_search_client.search(
            index=",".join(aliases), ignore_unavailable=True,
            body={"query": {"ids": {"values": deleted}}, "_source": False, "size": len(deleted)},
        )
        for hit in answer["hits"]["hits"]:
            current_search_client.delete(index=hit["_index"], id=hit["_id"], ignore=[404])
    return len(rows)


def indexed_schemas(name=None):
    """Every indexed schema version (of ``name`` if given)."""
    schemas = [s for s in list_schemas() if s.is_indexed]
    if name is not None:
        schemas = [s for s in schemas if s.name == name]
    return schemas


def total_rows(name=None):
    """How many rows a reindex of every schema (or one type) reads (one query)."""
    schemas = indexed_schemas(name)
    if not schemas:
        return 0
    route = _Router(schemas)
    url = RecordMetadata.json["$schema"].as_string()
    recid = RecordMetadata.json["control_number"].as_string()
    query = _rows(schemas).with_entities(url, recid.isnot(None), func.count()).group_by(
        url, recid.isnot(None))
    return sum(count for url_, has_recid, count in query
               if route({"$schema": url_, "control_number": 1 if has_recid else None}))


# Checking
# ========


def _indexed_documents(alias):
    """``{id: (version, index)}`` of every document behind an alias."""
    docs = {}
    try:
        for hit in search.helpers.scan(
            current_search_client, index=alias, query={"query": {"match_all": {}}},
            _source=False, version=True, size=1000,
        ):
            docs[hit["_id"]] = hit.get("_version")
    except search.exceptions.NotFoundError:
        pass
    return docs


def _database_rows():
    """``{kind: {id: revision}}`` of every live CAP draft and record, by kind."""
    expected = {"deposit": {}, "record": {}}
    names = {(s.name, s.version) for s in indexed_schemas()}
    query = db.session.query(
        RecordMetadata.id, RecordMetadata.version_id,
        RecordMetadata.json["$schema"].as_string(),
        RecordMetadata.json["control_number"].as_string().isnot(None),
    ).filter(RecordMetadata.json.isnot(None), RecordMetadata.json["_deposit"].isnot(None))
    for id_, version_id, url, has_recid in query.yield_per(5000):
        parsed = parse_schema_url(url)
        if parsed is None or (parsed[1], parsed[2]) not in names:
            continue
        expected["record" if has_recid else "deposit"][str(id_)] = version_id - 1
    return expected


def check(fix=False):
    """``{missing, stale, orphan}`` lists of ids (per kind); repaired when ``fix``."""
    report = {"missing": [], "stale": [], "orphan": []}
    expected = _database_rows()
    for kind in ("deposit", "record"):
        alias = build_alias_name(f"{kind}s")
        indexed = _indexed_documents(alias)
        for id_, revision in expected[kind].items():
            if id_ not in indexed:
                report["missing"].append(id_)
            elif indexed[id_] != revision:
                report["stale"].append(id_)
        for id_ in indexed:
            if id_ not in expected[kind]:
                report["orphan"].append((kind, id_))
    if fix:
        report["unrepaired"] = repair(report)
    return report


def repair(report):
    """Index missing and stale documents; delete orphans. Returns the ids left as they were.

    A document the engine holds a newer version of (e.g. the tombstone of
    a recent deletion) is refused with a version conflict: it is left alone
    and returned, for a later run.
    """
    indexer = get_indexer()
    left = []
    for id_ in report["missing"] + report["stale"]:
        row = db.session.get(RecordMetadata, id_)
        try:
            indexer.index(Record(row.json, model=row))
        except search.exceptions.ConflictError:
            left.append(id_)
    for kind, id_ in report["orphan"]:
        alias = build_alias_name(f"{kind}s")
        answer = current_search_client.search(
            index=alias, body={"query": {"ids": {"values": [id_]}}, "_source": False},
        )
        for hit in answer["hits"]["hits"]:
            current_search_client.delete(index=hit["_index"], id=id_, ignore=[404])
    return left
