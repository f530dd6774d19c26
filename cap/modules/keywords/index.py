"""The keywords index: a fresh index per load, swapped in behind one alias.

A load writes every keyword into a new ``<alias>-<timestamp>`` index and
then moves the alias atomically, so searches see the old list or the new
one, never half of a load; older indexes are deleted afterwards.
"""

import time

from flask import current_app
from invenio_search import current_search_client
from invenio_search.engine import dsl
from invenio_search.utils import build_alias_name

# Core field types and queries only (the minimal OpenSearch has no
# mapper-extras or analysis-common): the standard analyzer lowercases words,
# ``match_bool_prefix`` completes the last one.
MAPPING = {
    # One replica on a cluster, none on a single node (as the schema indexes).
    "settings": {"number_of_shards": 1, "auto_expand_replicas": "0-1"},
    "mappings": {
        "dynamic": "strict",
        "properties": {
            "keyword": {"type": "text", "fields": {"raw": {"type": "keyword"}}},
            "category": {"type": "keyword"},
            "description": {"type": "text"},
        },
    },
}


def alias_name():
    """The (prefixed) alias searches use."""
    return build_alias_name(current_app.config["CAP_KEYWORDS_INDEX"])


def _indexes_behind(alias):
    answer = current_search_client.indices.get_alias(name=alias, ignore=[404])
    return [name for name in answer if "error" not in answer and name not in ("status",)]


def replace_keywords(keywords):
    """Index ``keywords`` in a new index and point the alias at it; returns its name."""
    alias = alias_name()
    name = f"{alias}-{time.time_ns()}"
    current_search_client.indices.create(index=name, body=MAPPING)
    body = []
    for entry in keywords:
        body.append({"index": {"_index": name, "_id": entry["keyword"].lower()}})
        body.append(entry)
    if body:
        answer = current_search_client.bulk(body=body, refresh=True)
        if answer.get("errors"):
            current_search_client.indices.delete(index=name, ignore=[404])
            raise RuntimeError("The search engine refused some keywords.")
    old = _indexes_behind(alias)
    actions = [{"add": {"index": name, "alias": alias}}]
    actions += [{"remove": {"index": index, "alias": alias}} for index in old]
    current_search_client.indices.update_aliases(body={"actions": actions})
    for index in old:
        current_search_client.indices.delete(index=index, ignore=[404])
    return name


def delete_keywords_index():
    """Remove the alias and every index behind it (tests, teardown)."""
    for index in _indexes_behind(alias_name()):
        current_search_client.indices.delete(index=index, ignore=[404])


def search_keywords(query, size, category=None):
    """``(total, hits)`` of keywords matching ``query`` (prefix on words)."""
    alias = alias_name()
    if not current_search_client.indices.exists_alias(name=alias):
        return 0, []
    search = dsl.Search(using=current_search_client, index=alias)
    query = (query or "").strip()
    if query:
        search = search.query(
            "bool",
            should=[
                dsl.Q(
                    "match_bool_prefix",
                    keyword={"query": query, "operator": "and", "boost": 3},
                ),
                dsl.Q("match_phrase", keyword={"query": query, "boost": 5}),
                dsl.Q("match", description={"query": query, "operator": "and"}),
            ],
            minimum_should_match=1,
        )
        search = search.sort("_score", "keyword.raw")
    else:
        search = search.sort("keyword.raw")
    if category:
        search = search.filter("term", category=category)
    answer = search.extra(size=size, track_total_hits=True).execute()
    return answer.hits.total.value, [hit.to_dict() for hit in answer]
