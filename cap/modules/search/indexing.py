"""Rebuilding and checking the search indexes from the database.

The database is the source of truth. :func:`reindex` builds a fresh index
per schema version and kind (``<index>-<timestamp>``), bulk-loads every
draft or record into the index of its version and kind (one pass over
``records_metadata``), then moves the aliases of all of them over in one
atomic update and drops the old indexes. Searches go through the aliases
(``deposits``, ``deposits-<name>`` ...) and keep answering throughout.

The indexer writes to the schema's index name (``deposits-<name>-v<M.m.p>``,
see :func:`cap.modules.deposit.indexer.record_to_index`). After the first
rebuild that name becomes an alias of the fresh index (the old index is
removed in the same atomic alias update), so the indexer keeps working
unchanged. Changes indexed while the load ran are caught up after the
switch (every record updated since the start is indexed again).

A rebuilt document is the one ``indexer.index`` sends after a commit
(:func:`document`; tested field for field), built straight from the row.

:func:`check` compares ``records_metadata`` (id, ``version_id``) with the
documents (id, ``_version``: the indexer stores the revision as an external
version) and reports missing, stale and orphan documents; ``fix=True``
indexes or deletes them.
"""

import gc
import json
import uuid
from collections import Counter, deque
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from flask import current_app, g
from invenio_db import db
from invenio_indexer.signals import before_record_index
from invenio_records.api import Record
from invenio_records.models import RecordMetadata
from invenio_search import current_search_client
from invenio_search.engine import search
from invenio_search.utils import build_alias_name, prefix_index
from sqlalchemy import Text, and_, cast, func, not_, or_

from ..deposit.indexer import get_indexer
from ..schemas.api import get_schema_by_url, list_schemas, schema_index_body
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


class _Preparation:
    """What :func:`document` resolves once per load rather than per row."""

    def __init__(self, indexer):
        self.app = current_app._get_current_object()
        to_index = indexer._record_to_index  # a proxy of the configured function
        self._to_index = getattr(to_index, "_get_current_object", lambda: to_index)()
        self.receivers = list(before_record_index.receivers_for(self.app))
        self._infos = {}

    def schema_info(self, url):
        """``Schema.info`` of a ``$schema`` URL, looked up once per load."""
        if url not in self._infos:
            try:
                self._infos[url] = get_schema_by_url(url).info
            except Exception:  # noqa: BLE001  (the hook then decides, as on commit)
                self._infos[url] = None
        return self._infos[url]

    def record_to_index(self, record):
        """``RecordIndexer.record_to_index`` with the function resolved once."""
        index = self._to_index(record)
        if index is None:
            raise ValueError("Index for record cannot be `None`")
        return index[0] if isinstance(index, tuple) else index


def document(indexer, text, row, data=None, prepared=None):
    """The source document of a row, as ``indexer.index`` would send it.

    ``text`` is the row's JSON as stored (``jsonb::text``), ``data`` the
    same decoded (decoded here if not given). The after-commit path sends
    ``deepcopy(record.replace_refs())`` (``INDEXER_REPLACE_REFS``) or
    ``record.dumps()``, plus ``_created``/``_updated``, then runs the
    ``before_record_index`` hooks. Freshly decoded JSON with no ``"$ref"``
    anywhere is already that copy: the walk and the copy are skipped, the
    rest is the same (same fields, same hooks with the same arguments,
    called as ``send`` calls them). A row that does hold ``"$ref"`` goes
    through the indexer's own preparation.
    """
    prepared = prepared or _Preparation(indexer)
    data = json.loads(text) if data is None else data
    record = Record(data, model=row)
    # As a service does for the record it resolved the schema of: the hook
    # uses it (checked against $schema) instead of a look-up per document.
    record.schema_info = prepared.schema_info(data.get("$schema"))
    index = prepared.record_to_index(record)
    if '"$ref"' in text:
        return indexer._prepare_record(record, index)
    data["_created"] = row.created.isoformat() if row.created else None
    data["_updated"] = row.updated.isoformat() if row.updated else None
    for receiver in prepared.receivers:
        receiver(prepared.app, json=data, record=record, index=index, arguments={})
    return data


def _actions(rows, route, targets, indexer, counts):
    """Bulk actions of the rows that belong to a target index; counted per target."""
    prepared = _Preparation(indexer)
    for text, row in rows:
        data = json.loads(text)
        key = route(data)
        if key is None:
            continue
        counts[key] += 1
        yield {
            "_op_type": "index",
            "_index": targets[key],
            "_id": row.id_text,
            "_version": row.version_id - 1,  # Record.revision_id
            "_version_type": "external_gte",
            "_source": document(indexer, text, row, data, prepared),
        }


def _stream(query, batch):
    """``(JSON text, row)`` of every row of a query, read through a server-side
    cursor ``batch`` rows at a time: one scan, nothing kept in the session."""
    columns = (cast(RecordMetadata.json, Text), cast(RecordMetadata.id, Text),
               RecordMetadata.version_id, RecordMetadata.created, RecordMetadata.updated)
    statement = query.with_entities(*columns).statement.execution_options(yield_per=batch)
    for text, id_text, version_id, created, updated in db.session.execute(statement):
        yield text, _Row(id_text, None, version_id, created, updated)


def _chunks(actions, size):
    chunk = []
    for action in actions:
        chunk.append(action)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def send_bulk(client, actions, batch, threads=1, progress=None):
    """Send actions in bulk requests of ``batch``, ``threads`` requests in flight.

    The actions are produced in the calling thread (database reads and
    indexing hooks need the app context); only the requests run in worker
    threads, so the next chunk is prepared while the engine indexes the
    previous one. Version conflicts (a newer document already there) are
    fine; any other refusal raises. Returns the number of documents sent.
    """

    def send(chunk):
        _, errors = search.helpers.bulk(client, chunk, raise_on_error=False,
                                        request_timeout=120)
        bad = [e for e in errors if (e.get("index") or {}).get("status") != 409]
        if bad:
            raise RuntimeError(f"Bulk load failed: {bad[:3]}")
        return len(chunk)

    # Objects that exist before the load (the app, mappings, schemas) are
    # left out of the collector's scans while it runs: with documents in
    # flight the full collections that their allocations trigger otherwise
    # rescan all of them again and again (~25% of the preparation time).
    # The collector still runs for everything allocated during the load.
    freeze = gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    try:
        return _send_bulk(send, actions, batch, threads, progress, client.transport.serializer)
    finally:
        if freeze:
            gc.unfreeze()


def _serialized(chunk, serializer):
    """The chunk with each ``_source`` already JSON (the serializer passes strings on)."""
    return [{**action, "_source": serializer.dumps(action["_source"])} for action in chunk]


def _send_bulk(send, actions, batch, threads, progress, serializer):
    count = 0
    with ThreadPoolExecutor(max_workers=max(threads, 1)) as pool:
        pending = deque()
        for chunk in _chunks(actions, batch):
            # Encoded here rather than in the request's thread: a request
            # then leaves as soon as it is submitted, without competing for
            # the interpreter with the preparation of the next chunk.
            chunk = _serialized(chunk, serializer)
            pending.append(pool.submit(send, chunk))
            while len(pending) >= max(threads, 1):
                done = pending.popleft().result()
                count += done
                if progress is not None:
                    progress(done)
        while pending:
            done = pending.popleft().result()
            count += done
            if progress is not None:
                progress(done)
    return count


def bulk_load(schemas, targets, progress=None):
    """Load every row of these schema versions into its target index.

    ``targets``: ``{(name, version, kind): index}``. One pass over the
    table; returns ``{(name, version, kind): documents}``. Schema look-ups
    of the indexing hooks are cached for the load (one query per
    ``$schema`` URL instead of two per document).
    """
    g.cap_schema_cache = {}
    try:
        return _bulk_load(schemas, targets, progress)
    finally:
        g.pop("cap_schema_cache", None)


def _bulk_load(schemas, targets, progress):
    config = current_app.config
    counts = Counter()
    rows = _stream(_rows(schemas), config["CAP_SEARCH_REINDEX_BATCH"])
    actions = _actions(rows, _Router(schemas), targets, get_indexer(), counts)
    send_bulk(current_search_client._get_current_object(), actions,
              config["CAP_SEARCH_REINDEX_BATCH"], config["CAP_SEARCH_REINDEX_THREADS"], progress)
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
