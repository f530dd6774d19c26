"""Rebuilding and checking the search indexes from the database.

The database is the source of truth. :func:`reindex` builds a fresh index
per schema version and kind (``<index>-<timestamp>``), bulk-loads every
draft or record of that version into it, then moves the aliases over
atomically and drops the old index. Searches go through the aliases
(``deposits``, ``deposits-<name>`` ...) and keep answering throughout.

The indexer writes to the schema's index name (``deposits-<name>-v<M.m.p>``,
see :func:`cap.modules.deposit.indexer.record_to_index`). After the first
rebuild that name becomes an alias of the fresh index (the old index is
removed in the same atomic alias update), so the indexer keeps working
unchanged. Changes indexed while the load ran are caught up after the
switch (every record updated since the start is indexed again).

:func:`check` compares ``records_metadata`` (id, ``version_id``) with the
documents (id, ``_version``: the indexer stores the revision as an external
version) and reports missing, stale and orphan documents; ``fix=True``
indexes or deletes them.
"""

from collections import deque
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from flask import current_app, g
from invenio_db import db
from invenio_records.api import Record
from invenio_records.models import RecordMetadata
from invenio_search import current_search_client
from invenio_search.engine import search
from invenio_search.utils import build_alias_name, prefix_index
from sqlalchemy import and_, not_

from ..deposit.indexer import get_indexer
from ..schemas.api import list_schemas
from ..schemas.mappings import index_body
from ..schemas.urls import parse_schema_url


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


def _actions(rows, index, indexer):
    for row in rows:
        record = Record(row.json, model=row)
        body = indexer._prepare_record(record, indexer.record_to_index(record))
        yield {
            "_op_type": "index",
            "_index": index,
            "_id": str(row.id),
            "_version": record.revision_id,
            "_version_type": "external_gte",
            "_source": body,
        }


COLUMNS = (RecordMetadata.id, RecordMetadata.json, RecordMetadata.version_id,
           RecordMetadata.created, RecordMetadata.updated)


def _stream(query, batch):
    """Rows of a query in id order, ``batch`` at a time (keyset paging, no OFFSET).

    Plain column tuples turned into detached models: nothing accumulates in
    the session, whatever the number of rows.
    """
    last = None
    while True:
        page = query.with_entities(*COLUMNS).order_by(RecordMetadata.id)
        if last is not None:
            page = page.filter(RecordMetadata.id > last)
        rows = page.limit(batch).all()
        if not rows:
            return
        for id_, json, version_id, created, updated in rows:
            yield RecordMetadata(id=id_, json=json, version_id=version_id,
                                 created=created, updated=updated)
        last = rows[-1][0]


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

    count = 0
    with ThreadPoolExecutor(max_workers=max(threads, 1)) as pool:
        pending = deque()
        for chunk in _chunks(actions, batch):
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


def bulk_load(schema, kind, index, progress=None):
    """Load every row of a schema version and kind into ``index``; returns the count.

    Schema look-ups of the indexing hooks are cached for the load (one
    query per ``$schema`` URL instead of two per document).
    """
    g.cap_schema_cache = {}
    try:
        return _bulk_load(schema, kind, index, progress)
    finally:
        g.pop("cap_schema_cache", None)


def _bulk_load(schema, kind, index, progress):
    indexer = get_indexer()
    config = current_app.config
    actions = _actions(_stream(record_rows(schema, kind), config["CAP_SEARCH_REINDEX_BATCH"]),
                       index, indexer)
    return send_bulk(current_search_client._get_current_object(), actions,
                     config["CAP_SEARCH_REINDEX_BATCH"], config["CAP_SEARCH_REINDEX_THREADS"],
                     progress)


def _switch(write, aliases, old, new):
    """Point the aliases (and the write name) at ``new``; drop ``old``."""
    actions = [{"add": {"index": new, "alias": alias}} for alias in aliases]
    actions += [{"remove": {"index": idx, "alias": alias}} for idx in old for alias in aliases]
    # Searches go through the aliases: move them first, atomically.
    current_search_client.indices.update_aliases(body={"actions": actions})
    # Then the write name: removing an index of the same name and adding the
    # alias is one atomic step, so the indexer never finds the name missing.
    second = [{"add": {"index": new, "alias": write}}]
    for idx in old:
        if idx == write:
            second.append({"remove_index": {"index": idx}})
        else:
            second.append({"remove": {"index": idx, "alias": write}})
    current_search_client.indices.update_aliases(body={"actions": second})
    for idx in old:
        if idx != write:
            current_search_client.indices.delete(index=idx, ignore=[404])


def reindex_schema(schema, kind, progress=None, suffix=None):
    """Rebuild one schema version's index of ``kind``; returns ``(new index, count)``."""
    write, aliases = _targets(schema, kind)
    suffix = suffix or datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
    new = f"{write}-{suffix}"
    settings = dict(current_app.config["CAP_SCHEMAS_INDEX_SETTINGS"])
    body = index_body(schema.document(kind, "mapping"), settings)
    body["settings"]["index"].update({"refresh_interval": "-1"})
    current_search_client.indices.create(index=new, body=body)
    started = datetime.now(UTC).replace(tzinfo=None)
    try:
        count = bulk_load(schema, kind, new, progress)
        current_search_client.indices.put_settings(
            index=new, body={"index": {"refresh_interval": settings.get("refresh_interval", "1s")}},
        )
        current_search_client.indices.refresh(index=new)
        old = concrete_indexes(write)
        _switch(write, aliases, old, new)
    except Exception:
        current_search_client.indices.delete(index=new, ignore=[404])
        raise
    catch_up(schema, kind, since=started)
    return new, count


def catch_up(schema, kind, since):
    """Index again what changed in the database since ``since`` (writes during a load)."""
    indexer = get_indexer()
    rows = record_rows(schema, kind).filter(RecordMetadata.updated >= since).all()
    for row in rows:
        indexer.index(Record(row.json, model=row))
    # Rows deleted meanwhile (their JSON is gone): drop their documents.
    deleted = [str(id_) for (id_,) in db.session.query(RecordMetadata.id).filter(
        RecordMetadata.json.is_(None), RecordMetadata.updated >= since)]
    if deleted:
        alias = build_alias_name(f"{kind}s-{schema.name}")
        answer = current_search_client.search(
            index=alias, body={"query": {"ids": {"values": deleted}}, "_source": False,
                               "size": len(deleted)},
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


def reindex(name=None, progress=None):
    """Rebuild the indexes of every schema (or one type); ``[(index, count)]``."""
    results = []
    for schema in indexed_schemas(name):
        for kind in ("deposit", "record"):
            results.append(reindex_schema(schema, kind, progress=progress))
    return results


def total_rows(name=None):
    """How many rows a reindex of every schema (or one type) reads."""
    return sum(
        record_rows(schema, kind).count()
        for schema in indexed_schemas(name)
        for kind in ("deposit", "record")
    )


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
