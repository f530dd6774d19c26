"""``cap index reindex`` throughput vs a raw bulk load of the same documents.

N synthetic drafts and records (see ``bench_search.py``) are bulk-inserted
into ``records_metadata``, then rebuilt with ``cap index reindex`` (fresh
indexes, documents read from the database in batches and built by the
indexer's ``document``, sent with opensearch-py's ``parallel_bulk``, alias
switch, catch-up). The floor sends the very documents the rebuild
produced, already in memory, straight to new indexes of the same mappings
with the same sender (``indexing.send_bulk``: threads and chunk size;
index creation and refresh included on both sides).

The rebuild and the floor alternate ``--rounds`` times (the machine is
shared: one pair alone swings by 2x); the medians are compared.

Own database ``cap_bench_reindex_<pid>`` and index prefix
``bench-reindex-<pid>-``, created and dropped. Run:
``.venv/bin/python -m benchmarks.bench_reindex [--n 100000] [--rounds 3]``
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

if not __package__:  # run as a file: python benchmarks/bench_reindex.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import common  # noqa: E402
from benchmarks.bench_search import insert_synthetic, reindex_all  # noqa: E402

AIM = 0.5

# Not bench_search's fixed names: a search benchmark running meanwhile on the
# same services would drop this run's database.
common.DATABASE_URI = common.DATABASE_URI.rsplit("/", 1)[0] + f"/cap_bench_reindex_{common.RUN}"
common.INDEX_PREFIX = f"bench-reindex-{common.RUN}-"


def raw_floor():
    """Bulk-load every rebuilt document into fresh copies of the indexes; seconds, docs."""
    from flask import current_app
    from invenio_search import current_search_client as client
    from invenio_search.engine import search

    from cap.modules.schemas.mappings import index_body
    from cap.modules.search import indexing

    batch = current_app.config["CAP_SEARCH_REINDEX_BATCH"]
    plan = []
    for schema in indexing.indexed_schemas():
        for kind in ("deposit", "record"):
            write, _ = indexing._targets(schema, kind)
            docs = [
                {"_index": f"{write}-floor", "_id": hit["_id"], "_source": hit["_source"],
                 "_version": hit["_version"], "_version_type": "external_gte"}
                for hit in search.helpers.scan(client, index=write, version=True, size=1000)
            ]
            plan.append((f"{write}-floor", schema.document(kind, "mapping"), docs))
    settings = dict(current_app.config["CAP_SCHEMAS_INDEX_SETTINGS"])
    count = 0
    start = time.perf_counter()
    for name, mapping, docs in plan:
        body = index_body(mapping, settings)
        body["settings"]["index"]["refresh_interval"] = "-1"
        client.indices.create(index=name, body=body)
        # The same bulk sender (chunks, requests in flight) as the rebuild.
        count += indexing.send_bulk(docs, batch, current_app.config["CAP_SEARCH_REINDEX_THREADS"])
        client.indices.put_settings(index=name, body={"index": {"refresh_interval": "1s"}})
        client.indices.refresh(index=name)
    seconds = time.perf_counter() - start
    for name, _, _ in plan:
        client.indices.delete(index=name, ignore=[404])
    return seconds, count


def _load_average():
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="synthetic documents")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rebuild/floor pairs, alternating; the medians are compared")
    args = parser.parse_args(argv)
    print(common.machine())
    print(_load_average())
    ours, floor = [], []
    with common.bench_instance() as (app, user):
        inserted = insert_synthetic(args.n, user.id)
        print(f"inserted {args.n} rows in {inserted:.1f} s")
        for round_ in range(1, args.rounds + 1):
            seconds, docs = reindex_all(quiet=args.rounds > 1)
            floor_seconds, floor_docs = raw_floor()
            assert floor_docs == docs == args.n, (floor_docs, docs)
            ours.append(docs / seconds)
            floor.append(floor_docs / floor_seconds)
            print(f"round {round_}: cap index reindex {docs} docs in {seconds:.1f} s = "
                  f"{ours[-1]:.0f} docs/s; raw bulk load {floor_seconds:.1f} s = "
                  f"{floor[-1]:.0f} docs/s ({ours[-1] / floor[-1]:.0%})")
    mine, raw = statistics.median(ours), statistics.median(floor)
    ratio = mine / raw
    print(f"median: cap index reindex {mine:.0f} docs/s, raw bulk load {raw:.0f} docs/s")
    print(f"throughput ratio = {ratio:.0%} (aim >= {AIM:.0%}) {common.verdict(ratio >= AIM)}")
    print(_load_average())


if __name__ == "__main__":
    main()
