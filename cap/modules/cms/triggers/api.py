"""Triggers as other code uses them: load a JSON list, search, check names.

The list is JSON: ``[{"dataset": "SingleMuon", "year": 2016, "triggers":
["HLT_IsoMu24_v*", "HLT_IsoTkMu24_v4", ...]}, ...]`` (``dataset`` may also be
a full DAS name; its primary dataset is used). One document per dataset,
year and path; version suffixes (``_v4``, ``_v*``) are folded into one
``HLT_IsoMu24_v*``. Malformed entries are skipped and reported, never
stored half-parsed. Every load rebuilds the index and switches to it.
"""

import json
import re
from dataclasses import dataclass, field

from flask import current_app
from invenio_search.engine import search as search_engine

from ...core.errors import InvalidRequestError, field_error
from ...services.status import record_status
from ..das import names
from ..das.index import AliasedIndex, LoadError

TRIGGER = re.compile(r"^(HLT_[A-Za-z0-9_]+?)(?:_v(?:\d+|\*))?$")
LOWER = {"type": "keyword", "fields": {"lower": {"type": "keyword", "normalizer": "lower"}}}
MAPPINGS = {
    "dynamic": "strict",
    "properties": {
        "trigger": LOWER,
        "base": {"type": "keyword"},
        "dataset": LOWER,
        "year": {"type": "short"},
    },
}


class TriggerFileError(LoadError):
    """The trigger file is not a JSON list of entries."""


@dataclass
class LoadSummary:
    """What a load did."""

    index: str = ""
    entries: int = 0
    indexed: int = 0
    skipped: list = field(default_factory=list)
    replaced: list = field(default_factory=list)


def base_name(trigger):
    """``HLT_IsoMu24`` of ``HLT_IsoMu24_v4`` / ``HLT_IsoMu24_v*``, or ``None``."""
    match = TRIGGER.match(trigger.strip()) if isinstance(trigger, str) else None
    return match.group(1) if match else None


def primary_of(dataset):
    """``SingleMuon`` of ``SingleMuon`` or ``/SingleMuon/Run2016B-.../MINIAOD``."""
    if not isinstance(dataset, str) or not dataset.strip():
        return None
    dataset = dataset.strip()
    if dataset.startswith("/"):
        parts = names.parse(dataset)
        return parts[0] if parts else None
    return dataset if re.match(r"^[A-Za-z0-9_-]+$", dataset) else None


def year_of(dataset):
    """The year of a full DAS data name (``Run2016B`` → 2016), or ``None``."""
    parts = names.parse(dataset) if isinstance(dataset, str) else None
    return names.year_of(parts[1]) if parts else None


def trigger_index():
    """The triggers index of the app's settings."""
    return AliasedIndex(current_app.config["CAP_TRIGGERS_INDEX"], MAPPINGS)


def _entry_docs(position, entry, summary):
    where = f"entry {position}"
    if not isinstance(entry, dict):
        summary.skipped.append(f"{where}: not an object")
        return []
    dataset, year = primary_of(entry.get("dataset")), entry.get("year")
    triggers = entry.get("triggers")
    problems = []
    if dataset is None:
        problems.append("dataset is missing or not a dataset name")
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
        problems.append("year is missing or not a year")
    if not isinstance(triggers, list):
        problems.append("triggers is not a list")
    if problems:
        summary.skipped.append(f"{where}: {'; '.join(problems)}")
        return []
    docs = {}
    for trigger in triggers:
        base = base_name(trigger)
        if base is None:
            summary.skipped.append(f"{where}: {str(trigger)[:100]!r} is not an HLT path")
            continue
        docs[base] = {"trigger": f"{base}_v*", "base": base, "dataset": dataset, "year": year}
    return list(docs.values())


def load_file(path):
    """Load the JSON list at ``path`` (see :func:`load`)."""
    try:
        with open(path, encoding="utf-8") as handle:
            entries = json.load(handle)
    except (OSError, ValueError) as error:
        record_status("triggers", False, f"cannot read {path}: {error}")
        raise TriggerFileError(f"Cannot read {path}: {error}") from None
    return load(entries)


def load(entries):
    """Rebuild the index from a list of entries; returns a :class:`LoadSummary`."""
    if not isinstance(entries, list):
        record_status("triggers", False, "the trigger list is not a JSON list")
        raise TriggerFileError("The trigger list must be a JSON list of entries.")
    summary = LoadSummary(entries=len(entries))
    docs = [
        doc
        for position, entry in enumerate(entries)
        for doc in _entry_docs(position, entry, summary)
    ]
    index = trigger_index()
    target = index.create_index()
    summary.index = target
    try:
        summary.indexed, failed, errors = index.bulk(
            target, iter(docs), key=lambda d: f"{d['dataset']}|{d['year']}|{d['base']}"
        )
        if failed:
            raise LoadError(f"{failed} triggers were refused by the search engine: {errors[:3]}")
        summary.replaced = index.finish(target, switch=True)
    except Exception as error:
        index.abandon(target)
        record_status("triggers", False, f"load failed: {error}")
        raise
    record_status(
        "triggers", True,
        f"loaded {summary.indexed} triggers from {summary.entries} entries "
        f"({len(summary.skipped)} problems skipped)",
    )
    return summary


def _filters(dataset=None, year=None):
    clauses = []
    if dataset:
        primary = primary_of(dataset)
        if primary is None:
            message = f"{dataset!r} is not a dataset name."
            raise InvalidRequestError(message, [field_error("dataset", message)])
        clauses.append({"term": {"dataset.lower": primary.lower()}})
        if year is None:
            year = year_of(dataset)
    if year is not None:
        clauses.append({"term": {"year": year}})
    return clauses


def search(text="", dataset=None, year=None, size=10, page=1):
    """``(total, [{trigger, datasets, years}])``: distinct paths matching ``text``."""
    index = trigger_index()
    clauses = _filters(dataset, year)
    text = (text or "").strip()
    if text:
        word = re.sub(r"([?\\])", r"\\\1", text.lower())
        pattern = word if "*" in word else f"*{word}*"
        clauses.append({"wildcard": {"trigger.lower": {"value": pattern}}})
    body = {
        "query": {"bool": {"filter": clauses}} if clauses else {"match_all": {}},
        "size": 0,
        "aggs": {
            "count": {"cardinality": {"field": "base"}},
            "paths": {
                "terms": {"field": "trigger", "size": page * size, "order": {"_key": "asc"}},
                "aggs": {
                    "datasets": {"terms": {"field": "dataset", "size": 50}},
                    "years": {"terms": {"field": "year", "size": 50}},
                },
            },
        },
    }
    try:
        answer = index.client.search(index=index.alias, body=body)
    except search_engine.NotFoundError:
        return 0, []  # nothing loaded yet
    buckets = answer["aggregations"]["paths"]["buckets"][(page - 1) * size:]
    hits = [
        {
            "trigger": bucket["key"],
            "datasets": sorted(b["key"] for b in bucket["datasets"]["buckets"]),
            "years": sorted(int(b["key"]) for b in bucket["years"]["buckets"]),
        }
        for bucket in buckets
    ]
    return answer["aggregations"]["count"]["value"], hits


def listed(dataset=None, year=None):
    """How many paths the index lists for ``dataset`` and ``year``."""
    index = trigger_index()
    body = {"query": {"bool": {"filter": _filters(dataset, year)}}}
    return index.client.count(index=index.alias, body=body)["count"]


def known_bases(bases, dataset=None, year=None):
    """The names among ``bases`` listed (for ``dataset``/``year`` when given)."""
    bases = sorted(set(bases))
    if not bases:
        return set()
    index = trigger_index()
    clauses = [*_filters(dataset, year), {"terms": {"base": bases}}]
    body = {
        "query": {"bool": {"filter": clauses}},
        "size": 0,
        "aggs": {"bases": {"terms": {"field": "base", "size": len(bases)}}},
    }
    answer = index.client.search(index=index.alias, body=body)
    return {b["key"] for b in answer["aggregations"]["bases"]["buckets"]}
