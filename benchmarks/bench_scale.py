"""Search, suggest and facet latency, reindex throughput and memory at 100k and 1M documents.

One throw-away instance grows through ``--sizes`` (default 100,000 then
1,000,000 documents). At each size, rows are added to ``records_metadata``
(``bench_search``'s synthetic drafts and records, each one its type's
complete ``example.json`` with the generated fields in place: the size of a
filled-in form, 1.2-5.7 KB of JSON) and the whole index is rebuilt by
``cap index reindex`` run as a process of its own: the product's bulk path
(documents built by the indexer from the rows, ``parallel_bulk``, alias
switch). Then, at that size:

- reindex: documents/s, and the peak RSS of the ``cap`` process;
- index: documents, the primaries' store bytes per document, segments;
- latency: each of ``bench_search``'s queries through the API (Flask test
  client, personal token) alternating with the same engine request sent
  straight to OpenSearch; "search" queries have a ``q``, "facet" ones none
  (the facet aggregations over every visible document, with or without a
  facet filter: every search computes the facets), and ``/suggest``;
- memory: gunicorn (``CAP_WORKERS`` sync workers) master + workers, peak
  while 8 clients search; a Celery worker (its own queue) after running
  tasks; the OpenSearch node's RSS and JVM heap.

The first size is the floor: each figure at a larger size is printed as a
ratio against it, measured in the same run on the same engine. The engine
is ``CAP_OPENSEARCH_PORT`` (default 9200): point it at an OpenSearch of
your own for a run this size (``scripts/services`` with
``CAP_SERVICES_DIR`` and ``CAP_OPENSEARCH_PORT``), not at a shared node.
Own database ``cap_bench_scale_<pid>`` and index prefix
``bench-scale-<pid>-``, dropped on exit. Run:
``.venv/bin/python -m benchmarks.bench_scale [--sizes 100000,1000000] [--rounds 20]``
"""

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager, suppress
from pathlib import Path

if not __package__:  # run as a file: python benchmarks/bench_scale.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import bench_search, common  # noqa: E402

common.DATABASE_URI = common.DATABASE_URI.rsplit("/", 1)[0] + f"/cap_bench_scale_{common.RUN}"
common.INDEX_PREFIX = f"bench-scale-{common.RUN}-"
QUEUE = f"bench-scale-{common.RUN}"
MIB = 1024 * 1024


def _load_average():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def add_rows(have, size, first, user_id):
    """Grow the table from ``have`` to ``size`` rows (with a progress bar); seconds.

    The first size is generated (``bench_search``'s rows at a form's size);
    later rows are copies of those ``first`` rows made inside PostgreSQL,
    each with a new id, deposit id, record number and CADI number: the same
    mix of types, owners, words and values, about twice as fast as
    generating them in Python (here 1,200 rows/s generated, 2,500 copied).
    """
    from invenio_db import db
    from sqlalchemy import text
    from tqdm import tqdm

    start = time.perf_counter()
    with tqdm(total=size - have, unit="row", desc="insert") as bar:
        if not have:
            bench_search.insert_synthetic(size, user_id, full=True, progress=bar.update)
            return time.perf_counter() - start
        while have < size:
            count = min(first, size - have)
            db.session.execute(text(COPY_ROWS), {"offset": have, "count": count})
            db.session.commit()
            have += count
            bar.update(count)
    return time.perf_counter() - start


COPY_ROWS = """
INSERT INTO records_metadata (id, json, version_id, created, updated)
SELECT gen_random_uuid(), c.json, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
FROM (
  SELECT n, jsonb_set(
    CASE WHEN j ? 'control_number'
         THEN jsonb_set(j, '{control_number}', to_jsonb('CAP.BENCH.' || lpad(n::text, 8, '0')))
         ELSE j END
    || CASE WHEN j #> '{basic_info,cadi_id}' IS NOT NULL
            THEN jsonb_build_object('basic_info', (j -> 'basic_info') || jsonb_build_object(
                 'cadi_id', regexp_replace(j #>> '{basic_info,cadi_id}', '[0-9]+$',
                                           lpad(n::text, 7, '0'))))
            ELSE '{}'::jsonb END,
    '{_deposit,id}', to_jsonb(replace(gen_random_uuid()::text, '-', ''))) AS json
  FROM (
    -- The generated rows: one insert, one creation time (the copies have later ones).
    SELECT json AS j, :offset + row_number() OVER () - 1 AS n
    FROM records_metadata
    WHERE created = (SELECT min(created) FROM records_metadata)
    LIMIT :count
  ) AS source
) AS c
"""


def _cap(*args, **kwargs):
    return subprocess.Popen([str(common.VENV_BIN / "cap"), *args], cwd=common.ROOT,
                            env={**os.environ, **common.bench_environ()}, text=True, **kwargs)


def command_start():
    """Seconds ``cap index reindex`` takes before its first document: the same
    command for a type that does not exist (app start, schema list, refusal)."""
    start = time.perf_counter()
    _cap("index", "reindex", "--type", "no-such-type", stdout=subprocess.DEVNULL,
         stderr=subprocess.DEVNULL).wait()
    return time.perf_counter() - start


def reindex_process():
    """``cap index reindex`` as its own process (its progress bar on stderr):
    ``(seconds, documents, peak RSS in KiB)``."""
    start = time.perf_counter()
    process = _cap("index", "reindex", stdout=subprocess.PIPE)
    with common.RSSSampler(process.pid) as rss:
        out, _ = process.communicate()
    seconds = time.perf_counter() - start
    if process.returncode:
        raise RuntimeError(f"cap index reindex failed:\n{out}")
    documents = int(re.search(r"Reindexed (\d+) documents", out).group(1))
    return seconds, documents, rss.peak


def index_figures():
    """Documents behind the ``deposits`` and ``records`` aliases, and the
    primaries' store bytes and segments of this run's indexes."""
    from invenio_search import current_search_client as client
    from invenio_search.utils import build_alias_name

    documents = sum(client.count(index=build_alias_name(f"{kind}s"))["count"]
                    for kind in ("deposit", "record"))
    stats = client.indices.stats(index=f"{common.INDEX_PREFIX}*", metric="store,segments")
    primaries = stats["_all"]["primaries"]
    return documents, primaries["store"]["size_in_bytes"], primaries["segments"]["count"]


def engine_memory():
    """``(RSS KiB, heap used bytes, heap max bytes)`` of the engine's nodes,
    summed (RSS read from /proc: the nodes run on this machine)."""
    from invenio_search import current_search_client as client

    info = client.nodes.info(metric="process")["nodes"]
    stats = client.nodes.stats(metric="jvm")["nodes"]
    rss = sum(common.proc_status_kib(node["process"]["id"], "VmRSS") for node in info.values())
    heap = [stats[node]["jvm"]["mem"] for node in stats]
    return (rss, sum(h["heap_used_in_bytes"] for h in heap),
            sum(h["heap_max_in_bytes"] for h in heap))


@contextmanager
def celery_worker():
    """A Celery worker as ``./scripts/run`` starts one, on a queue of its own
    (the broker is shared); yields its pid once it answers a task."""
    log = open(common.BENCH_DIR / "celery.log", "wb")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [str(common.VENV_BIN / "celery"), "-A", "invenio_app.celery", "worker",
         "-Q", QUEUE, "-n", f"{QUEUE}@%h", "--loglevel", "WARNING"],
        env={**os.environ, **common.bench_environ()}, cwd=common.ROOT,
        stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        run_tasks(1, timeout=120)
        yield process.pid
    finally:
        common.stop_process(process)
        log.close()
        with _celery().connection_for_write() as connection, suppress(Exception):
            connection.default_channel.queue_delete(QUEUE)


def _celery():
    from flask import current_app

    return current_app.extensions["invenio-celery"].celery


def run_tasks(count, timeout=60):
    """Send ``count`` service checks (each touches the database and the
    engine) to the worker's queue and wait for them. ``send_task``: the
    benchmark's own app runs tasks eagerly, the worker must get these."""
    results = [_celery().send_task("cap.modules.core.tasks.check_services", queue=QUEUE)
               for _ in range(count)]
    for result in results:
        result.get(timeout=timeout)


def worker_rss(pid):
    """RSS (KiB) of the worker (main process and pool) after 20 tasks."""
    run_tasks(20)
    return common.tree_rss_kib(pid)


def measure_queries(app, user, rounds):
    """``{label: (kind, hits, api times, direct times)}`` of every query and suggestion."""
    from invenio_search import current_search_client

    figures = {}
    for path, args, request in bench_search.engine_requests(app, user):
        api, direct, _, _ = bench_search.measure_latency(app, user, [(path, args, request)],
                                                         rounds)
        hits = current_search_client.search(**request)["hits"]["total"]
        hits = hits["value"] if isinstance(hits, dict) else hits
        kind = "search" if args.get("q") else "facet"
        figures[f"{path} {args}"] = (kind, hits, api, direct)
    for args in bench_search.SUGGESTS:
        times = bench_search.measure_suggest(app, user, rounds, suggests=[args])
        figures[f"/suggest {args}"] = ("suggest", None, times, None)
    return figures


def _ms(times, q):
    return f"{common.percentile(times, q) * 1000:.0f}"


def report(sizes, steps):
    """Markdown tables: each size's figures, and its ratio against the first."""
    floor = steps[sizes[0]]
    head = " | ".join(f"{size:,}" for size in sizes)
    print(f"\n| figure | {head} | ratio |")
    print("|---|" + "---|" * (len(sizes) + 1))

    def row(name, key, fmt):
        values = [steps[size][key] for size in sizes]
        ratio = values[-1] / floor[key] if floor[key] else float("nan")
        print(f"| {name} | {' | '.join(fmt(v) for v in values)} | {ratio:.2f}× |")

    row("documents indexed", "documents", lambda v: f"{v:,}")
    row("`cap index reindex`, docs/s", "rate", lambda v: f"{v:,.0f}")
    row("`cap index reindex`, wall time", "reindex_s", lambda v: f"{v:,.0f} s")
    row("… docs/s without the command's start-up", "load_rate", lambda v: f"{v:,.0f}")
    row("index store (primaries)", "store", lambda v: f"{v / MIB:,.0f} MiB")
    row("index bytes per document", "per_doc", lambda v: f"{v:,.0f} B")
    row("segments", "segments", lambda v: f"{v}")
    row("RSS peak, `cap index reindex` process", "reindex_rss", lambda v: f"{v / 1024:,.0f} MiB")
    row("RSS peak, gunicorn master + workers (8 clients)", "web_rss",
        lambda v: f"{v / 1024:,.0f} MiB")
    row("RSS, Celery worker (main + pool)", "worker_rss", lambda v: f"{v / 1024:,.0f} MiB")
    row("RSS, OpenSearch node", "engine_rss", lambda v: f"{v / 1024:,.0f} MiB")
    row("JVM heap used (of max)", "heap", lambda v: f"{v / MIB:,.0f} MiB")
    row("throughput, 8 clients via gunicorn", "api_rate", lambda v: f"{v:.1f} req/s")
    row("throughput, 8 clients straight to engine", "engine_rate", lambda v: f"{v:.1f} req/s")

    print(f"\n| query | kind | hits at {sizes[-1]:,} | "
          + " | ".join(f"API p50 / p95 at {size:,}" for size in sizes)
          + " | engine p50 at " + " / ".join(f"{size:,}" for size in sizes)
          + " | API p50 ratio |")
    print("|---|---|---|" + "---|" * (len(sizes) + 2))
    for label, (kind, hits, api, direct) in steps[sizes[-1]]["queries"].items():
        cells = [f"{_ms(steps[size]['queries'][label][2], 50)} / "
                 f"{_ms(steps[size]['queries'][label][2], 95)} ms" for size in sizes]
        engine = (" / ".join(_ms(steps[size]["queries"][label][3], 50) for size in sizes)
                  + " ms") if direct else "–"
        ratio = statistics.median(api) / statistics.median(floor["queries"][label][2])
        print(f"| `{label}` | {kind} | {hits if hits is not None else '–'} | "
              f"{' | '.join(cells)} | {engine} | {ratio:.2f}× |")
    for kind in ("search", "facet", "suggest"):
        ratios = [statistics.median(steps[sizes[-1]]["queries"][label][2])
                  / statistics.median(floor["queries"][label][2])
                  for label, (k, *_) in floor["queries"].items() if k == kind]
        print(f"{kind}: API p50 at {sizes[-1]:,} / at {sizes[0]:,}, median over its "
              f"queries = {statistics.median(ratios):.2f}×")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000",
                        help="document counts to grow through, comma-separated")
    parser.add_argument("--rounds", type=int, default=20, help="runs of each query per size")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument("--requests", type=int, default=30, help="searches per client")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    # A run this long gets stopped: clean up (database, indexes, worker) as on errors.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    print(common.machine())
    print(f"engine: 127.0.0.1:{common.OPENSEARCH_PORT}; load average at start: {_load_average()}")
    steps, have = {}, 0
    with common.bench_instance() as (app, user), celery_worker() as worker:
        from invenio_db import db

        user_id = user.id  # the session is removed between sizes
        start = command_start()
        print(f"cap index reindex start-up (app, schemas; no documents): {start:.0f} s")
        for size in sizes:
            inserted = add_rows(have, size, sizes[0], user_id)
            have = size
            db.session.remove()
            print(f"{size:,} rows ({inserted:.0f} s for this batch); load average "
                  f"{_load_average()}")
            seconds, documents, reindex_rss = reindex_process()
            print(f"cap index reindex: {documents:,} documents in {seconds:.0f} s "
                  f"({documents / seconds:,.0f} docs/s), RSS peak {reindex_rss / 1024:.0f} MiB")
            queries = measure_queries(app, user, args.rounds)
            built = bench_search.engine_requests(app, user)
            (api_rate, _), (engine_rate, _), web_rss = bench_search.measure_throughput(
                user, built, args.clients, args.requests)
            engine_rss, heap_used, heap_max = engine_memory()
            indexed, store, segments = index_figures()
            steps[size] = {
                "documents": indexed, "rate": documents / seconds, "reindex_s": seconds,
                "load_rate": documents / (seconds - start),
                "store": store, "per_doc": store / indexed, "segments": segments,
                "reindex_rss": reindex_rss, "web_rss": web_rss,
                "worker_rss": worker_rss(worker), "engine_rss": engine_rss,
                "heap": heap_used, "api_rate": api_rate, "engine_rate": engine_rate,
                "queries": queries,
            }
            print(f"{size:,}: store {store / MIB:,.0f} MiB = {store / indexed:,.0f} B/doc, "
                  f"heap {heap_used / MIB:,.0f} / {heap_max / MIB:,.0f} MiB; load average "
                  f"{_load_average()}")
            report(list(steps), steps)  # so far: a stopped run keeps what it measured
    print(f"load average at end: {_load_average()}")


if __name__ == "__main__":
    main()
