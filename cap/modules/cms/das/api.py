"""Datasets as other code uses them: load a list, search, check names exist.

No permission checks here (the service adds them); the CLI, ``cap setup
--demo`` and the deposit validator call these directly.
"""

import re
from dataclasses import dataclass, field

from flask import current_app
from invenio_search.engine import search as search_engine

from ...services.status import record_status
from . import names, query
from .index import AliasedIndex, LoadError

MAPPINGS = {
    "dynamic": "strict",
    "properties": {
        "name": {
            "type": "keyword",
            "fields": {"lower": {"type": "keyword", "normalizer": "lower"}},
        },
        "primary_dataset": {
            "type": "keyword",
            "fields": {"lower": {"type": "keyword", "normalizer": "lower"}},
        },
        "processed_dataset": {
            "type": "keyword",
            "fields": {"lower": {"type": "keyword", "normalizer": "lower"}},
        },
        "tier": {
            "type": "keyword",
            "fields": {"lower": {"type": "keyword", "normalizer": "lower"}},
        },
        "kind": {"type": "keyword"},
        "year": {"type": "short"},
    },
}
PROGRESS_STEP = 10000
FIELDS = ("name", "primary_dataset", "processed_dataset", "tier", "kind", "year")


@dataclass
class LoadSummary:
    """What a load did."""

    index: str = ""
    read: int = 0
    indexed: int = 0
    data: int = 0
    mc: int = 0
    malformed: int = 0
    failed: int = 0
    replaced: list = field(default_factory=list)
    examples: list = field(default_factory=list)


def dataset_index():
    """The datasets index of the app's settings."""
    return AliasedIndex(current_app.config["CAP_DAS_INDEX"], MAPPINGS)


def _campaigns():
    return re.compile(current_app.config["CAP_DAS_MC_CAMPAIGNS"])


def load(lines, replace=False, progress=None):
    """Index the dataset names of ``lines`` (any iterable, streamed).

    ``replace`` builds a fresh index and switches the alias to it at the end,
    so names gone from DAS disappear and searches never see a half list;
    otherwise names are added to the current index. ``progress(n)`` is called
    with the number of lines read since its last call. A failure leaves the
    current index untouched (with ``replace``) and is recorded as the ``das``
    source's last failure.
    """
    config = current_app.config
    index = dataset_index()
    summary = LoadSummary()
    campaigns = _campaigns()
    target, fresh = index.target(replace)
    summary.index = target

    def docs():
        for line in lines:
            summary.read += 1
            if progress and summary.read % PROGRESS_STEP == 0:
                progress(PROGRESS_STEP)
            doc = names.document(line, campaigns)
            if doc is None:
                summary.malformed += 1
                if len(summary.examples) < 10:
                    summary.examples.append(line[:200])
                continue
            if doc["kind"] == names.KIND_MC:
                summary.mc += 1
            else:
                summary.data += 1
            yield doc
        if progress:
            progress(summary.read % PROGRESS_STEP)

    try:
        summary.indexed, summary.failed, errors = index.bulk(
            target,
            docs(),
            key=lambda doc: doc["name"],
            chunk_size=config["CAP_DAS_BULK_CHUNK"],
            threads=config["CAP_DAS_BULK_THREADS"],
        )
        if summary.failed:
            raise LoadError(
                f"{summary.failed} datasets were refused by the search engine: {errors[:3]}"
            )
        summary.replaced = index.finish(target, switch=fresh)
    except Exception as error:
        if fresh:
            index.abandon(target)
        record_status("das", False, f"load failed: {error}")
        raise
    record_status(
        "das", True,
        f"loaded {summary.indexed} datasets ({summary.data} data, {summary.mc} MC, "
        f"{summary.malformed} malformed lines skipped)",
    )
    return summary


def _kind_filter(kind):
    return [{"term": {"kind": kind}}] if kind else []


def search(text, kind=None, size=10, page=1):
    """``(total, [dataset docs])`` matching a DAS-style query, by name."""
    index = dataset_index()
    clauses = query.parse(text) + _kind_filter(kind)
    body = {
        "query": {"bool": {"filter": clauses}} if clauses else {"match_all": {}},
        "sort": [{"name": "asc"}],
        "from": (page - 1) * size,
        "size": size,
        "_source": list(FIELDS),
        "track_total_hits": True,
    }
    try:
        answer = index.client.search(index=index.alias, body=body)
    except search_engine.NotFoundError:
        return 0, []  # nothing loaded yet
    hits = [hit["_source"] for hit in answer["hits"]["hits"]]
    return answer["hits"]["total"]["value"], hits


def lookup(dataset_names):
    """``{name: kind}`` of those of ``dataset_names`` that the index holds.

    ``None`` when no list has been loaded yet (no index): asking costs no
    extra round trip on every save.
    """
    wanted = sorted({name for name in dataset_names if isinstance(name, str)})
    index = dataset_index()
    found = {}
    for start in range(0, len(wanted), 1000):
        batch = wanted[start:start + 1000]
        body = {
            "query": {"bool": {"filter": [{"terms": {"name": batch}}]}},
            "size": len(batch),
            "_source": ["name", "kind"],
        }
        try:
            answer = index.client.search(index=index.alias, body=body)
        except search_engine.NotFoundError:
            return None
        for hit in answer["hits"]["hits"]:
            found[hit["_source"]["name"]] = hit["_source"]["kind"]
    return found
