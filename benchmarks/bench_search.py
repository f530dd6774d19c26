"""Search through the API vs the same engine request sent straight to OpenSearch.

N synthetic drafts and records spread over the types are bulk-inserted into
``records_metadata`` (SQLAlchemy core) and indexed with ``cap index
reindex``. Typical searches (``/deposits/`` and ``/records/``: free text,
DAS-style field terms, facet filters, sorts) run with a personal token. Each
query's engine request is the one the API sends: built by the service's
``search_request`` for the identity the token proves, inside a request
context of the same URL (the views call the same function). Two modes:

- latency: the API through the Flask test client, one request at a time,
  alternating with the same engine request sent with the search client
  (opensearch-py); p50 and p95 of both and the API's overhead (API minus
  direct at the same percentile);
- throughput: ``invenio_app.wsgi`` on gunicorn as ``./scripts/run`` serves
  it (``CAP_WORKERS`` sync workers), ``--clients`` threads on loopback
  sending ``--requests`` searches each over keep-alive connections, vs the
  same threads sending the same engine requests straight to OpenSearch's
  ``_search``; requests/s and p95 of both.

Suggestions (``/suggest``) are timed on their own (aim: < 50 ms typical).
Own database ``cap_bench_search`` and index prefix ``bench-search-``,
created and dropped. Run:
``.venv/bin/python -m benchmarks.bench_search [--n 100000] [--rounds 30]
[--clients 8] [--requests 50]``
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

if not __package__:  # run as a file: python benchmarks/bench_search.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import common  # noqa: E402

AIM_P95_OVERHEAD_MS = 5
AIM_THROUGHPUT = 0.7

common.DATABASE_URI = common.DATABASE_URI.rsplit("/", 1)[0] + "/cap_bench_search"
common.INDEX_PREFIX = "bench-search-"

WGS = ["HIG", "EXO", "SUS", "TOP", "SMP", "B2G", "BPH", "MUO"]
PDS = ["SingleMuon", "SingleElectron", "DoubleMuon", "JetHT", "MET", "Tau", "EGamma"]
ERAS = ["Run2016B-17Jul2018_ver2-v1", "Run2017C-31Mar2018-v1", "Run2018A-UL2018_MiniAODv2-v1"]
TIERS = ["MINIAOD", "AOD", "NANOAOD"]
TRIGGERS = ["HLT_IsoMu24_v4", "HLT_IsoMu27_v8", "HLT_Ele32_WPTight_Gsf_v1", "HLT_PFHT1050_v5"]
WORDS = ["search", "measurement", "higgs", "boson", "top", "quark", "dark", "matter",
         "resonance", "jets", "leptons", "tau", "photon", "supersymmetry", "cross", "section"]
THEMES = ["Standard Model", "Searches for physics beyond the Standard Model",
          "B-physics and similar"]
PEOPLE = ["Maria Rossi", "Jonas Becker", "Anna Kowalska", "Li Wei", "Sofia Andersson",
          "Mario Bianchi", "Ahmed Hassan", "Julia Schmidt"]
TYPES = [  # (schema, experiment, share of the documents)
    ("cms-analysis", "CMS", 0.5), ("atlas-analysis", "ATLAS", 0.15), ("lhcb", "LHCb", 0.1),
    ("alice-analysis", "ALICE", 0.1), ("generic", None, 0.15),
]


def _title(rng):
    return " ".join(rng.choice(WORDS) for _ in range(5)).capitalize()


def _metadata(rng, name, i):
    title = _title(rng)
    if name == "cms-analysis":
        return {"basic_info": {
            "analysis_title": title, "cadi_id": f"{rng.choice(WGS)}-{rng.randint(16, 24)}-{i:05d}",
            "cms_working_group": rng.choice(WGS),
            "people_info": [{"name": rng.choice(PEOPLE)}],
            # The legacy shape: keywords by category.
            "analysis_keywords": {"collision_system": ["p-p"],
                                  "physics_theme": [rng.choice(THEMES)]}},
            "analysis_context": {"year": rng.randint(2016, 2024)},
            "input_data": {"primary_datasets": [{
                "path": f"/{rng.choice(PDS)}/{rng.choice(ERAS)}/{rng.choice(TIERS)}",
                "triggers": [{"trigger": rng.choice(TRIGGERS)}]}]}}
    if name == "generic":
        return {"title": title, "keywords": rng.sample(WORDS, 2),
                "people": [{"name": rng.choice(PEOPLE)}]}
    return {"basic_info": {"analysis_title": title}}


def _overlay(base, extra):
    """``base`` with ``extra``'s values in place of its own, object by object."""
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _overlay(base[key], value)
        else:
            base[key] = value
    return base


def synthetic_rows(n, user_id, base_url, seed=1, start=0, full=False):
    """``records_metadata`` rows: drafts (a fifth of them also published as records).

    Rows ``start`` to ``start + n`` (a later batch continues the numbering).
    ``full``: each document is its type's complete ``example.json`` (a
    filled-in form, 1.2-5.7 KB of JSON) with the generated fields in place
    of the example's; otherwise the generated fields alone (~0.5 KB).
    """
    rng = random.Random(seed + start)
    now = datetime.now(UTC).replace(tzinfo=None)
    versions, examples = {}, {}
    from cap.modules.schemas.api import get_schema

    for name, _, _ in TYPES:
        versions[name] = get_schema(name).version
        examples[name] = common.example_text(name) if full else "{}"
    weights = [share for _, _, share in TYPES]
    for i in range(start, start + n):
        name, experiment, _ = rng.choices(TYPES, weights)[0]
        owner = user_id if rng.random() < 0.3 else 10_000 + rng.randint(0, 500)
        published = rng.random() < 0.2
        depid = uuid.uuid4().hex
        data = _overlay(json.loads(examples[name]), {
            "$schema": f"{base_url}/schemas/{'records' if published else 'deposits/records'}/"
                       f"{name}-v{versions[name]}.json",
            "_deposit": {"id": depid, "status": "published" if published else "draft",
                         "owners": [owner], "created_by": owner},
            "_access": {f"{'record' if published else 'deposit'}-admin":
                        {"users": [owner], "roles": []}},
            **_metadata(rng, name, i),
        })
        if experiment:
            data["_experiment"] = experiment
        if published:
            data["control_number"] = f"CAP.BENCH.{i:08d}"
        yield {"id": uuid.uuid4(), "json": data, "version_id": 1, "created": now,
               "updated": now}


def insert_synthetic(n, user_id, batch=5000, start=0, full=False, progress=None):
    """Bulk insert ``n`` rows with SQLAlchemy core (see :func:`synthetic_rows`);
    returns the seconds it took. ``progress(rows)`` after each batch."""
    from flask import current_app
    from invenio_db import db
    from invenio_records.models import RecordMetadata

    base = current_app.config["SITE_API_URL"].rstrip("/")
    table = RecordMetadata.__table__
    start_time = time.perf_counter()
    rows = []
    for row in synthetic_rows(n, user_id, base, start=start, full=full):
        rows.append(row)
        if len(rows) == batch:
            db.session.execute(table.insert(), rows)
            if progress is not None:
                progress(len(rows))
            rows = []
    if rows:
        db.session.execute(table.insert(), rows)
        if progress is not None:
            progress(len(rows))
    db.session.commit()
    return time.perf_counter() - start_time


def reindex_all(quiet=False):
    """``cap index reindex`` of everything (with its progress bar); seconds, documents."""
    from tqdm import tqdm

    from cap.modules.search import indexing

    start = time.perf_counter()
    with tqdm(total=indexing.total_rows(), unit="doc", disable=quiet, desc="reindex") as bar:
        results = indexing.reindex(progress=bar.update)
    return time.perf_counter() - start, sum(count for _, count in results)


QUERIES = [
    ("/deposits/", {}),
    ("/deposits/", {"q": "higgs boson"}),
    ("/deposits/", {"q": "dataset=/SingleMuon/*/MINIAOD"}),
    ("/deposits/", {"q": "trigger=HLT_IsoMu2* wg=HIG"}),
    ("/deposits/", {"cms_working_group": "EXO", "sort": "mostrecent"}),
    ("/records/", {}),
    ("/records/", {"q": "dark matter", "size": "20"}),
    ("/records/", {"q": "cadi=HIG-2*", "collection": "cms-analysis"}),
]
SUGGESTS = [
    {"field": "title", "q": "hig"}, {"field": "cadi_id", "q": "EXO-2"},
    {"field": "keywords", "q": "qu"}, {"field": "people", "q": "mar"},
]


def _time(call, rounds, cpu=None):
    """Wall-clock seconds of each of ``rounds`` calls; with a list ``cpu``,
    this process's CPU seconds of each call are appended to it too."""
    times = []
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        call()
        times.append(time.perf_counter() - start)
        if cpu is not None:
            cpu.append(time.process_time() - start_cpu)
    return times


def engine_requests(app, user):
    """``(path, args, engine request)`` of each query: what the API's search
    view sends for the token's identity (its service's ``search_request``,
    run in a request context of the same URL after the request hooks that
    authenticate)."""
    from flask import g

    from cap.modules.deposit.proxies import current_deposit_service
    from cap.modules.records.proxies import current_record_service
    from cap.modules.records.resources.resource import search_params

    services = {"/deposits/": current_deposit_service, "/records/": current_record_service}
    built = []
    for path, args in QUERIES:
        with app.test_request_context(path, query_string=args, headers=common.auth(user)):
            app.preprocess_request()
            request = services[path].search_request(g.identity, search_params())
        built.append((path, args, request))
    return built


def measure_latency(app, user, built, rounds):
    """API and direct timings per query (alternating), and the lines to print.

    Also the CPU time this process spends per call (the API in the test
    client, or opensearch-py sending the request): the engine works in its
    own process, so the difference is CAP's own work, and CPU time moves
    less with the machine's load than wall-clock time."""
    from invenio_db import db
    from invenio_search import current_search_client

    client = app.test_client()
    headers = common.auth(user)
    api_all, direct_all, lines = [], [], []
    cpu = {"api": [], "direct": []}
    for path, args, request in built:
        def via_api(path=path, args=args):
            response = client.get(path, query_string=args, headers=headers)
            # As a server's request teardown: the next request starts with
            # an empty session (the requests here share the benchmark's app
            # context, whose session would otherwise keep the token's user,
            # roles and client loaded from one request to the next).
            db.session.remove()
            assert response.status_code == 200, response.get_data(as_text=True)
            return response

        def direct(request=request):
            current_search_client.search(**request)

        total = via_api().json["hits"]["total"]
        direct()  # warm-up
        api_times, direct_times = [], []
        for _ in range(rounds):  # alternate, so load changes hit both alike
            api_times += _time(via_api, 1, cpu["api"])
            direct_times += _time(direct, 1, cpu["direct"])
        api_all += api_times
        direct_all += direct_times
        lines.append(f"  {path:11} {str(args)[:48]:48} hits {total:6}  "
                     f"api {common.summary(api_times)} | direct {common.summary(direct_times)}")
    return api_all, direct_all, cpu, lines


def measure_suggest(app, user, rounds, suggests=SUGGESTS):
    """``/suggest`` timings through the test client."""
    from invenio_db import db

    client = app.test_client()
    headers = common.auth(user)
    times = []
    for args in suggests:
        def one(args=args):
            response = client.get("/suggest", query_string=args, headers=headers)
            db.session.remove()
            assert response.status_code == 200, response.get_data(as_text=True)
        one()
        times += _time(one, rounds)
    return times


def _engine_url(request):
    """URL and JSON body of an engine request sent as opensearch-py sends it."""
    from urllib.parse import urlencode

    params = {key: value for key, value in request.items() if key not in ("index", "body")}
    index = request["index"]
    index = ",".join(index) if isinstance(index, (list, tuple)) else index
    url = f"http://127.0.0.1:{common.OPENSEARCH_PORT}/{index}/_search"
    return (f"{url}?{urlencode(params)}" if params else url), request["body"]


def _load(calls, clients, per_client):
    """``clients`` threads, each making ``per_client`` calls (cycling through
    ``calls``, each given a session of its own); ``(seconds, latencies)``."""
    import requests

    def worker(offset):
        times = []
        with requests.Session() as session:
            for i in range(per_client):
                call = calls[(offset + i) % len(calls)]
                start = time.perf_counter()
                call(session)
                times.append(time.perf_counter() - start)
        return times

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(worker, range(clients)))
    return time.perf_counter() - start, [t for times in results for t in times]


def measure_throughput(user, built, clients, per_client):
    """Gunicorn-served API vs OpenSearch, the same searches from ``clients``
    concurrent loopback clients: ``(api, direct)`` of ``(requests/s, p95)``,
    and the server's RSS peak in KiB (master and workers, sampled each second)."""
    headers = common.auth(user)

    def api_call(path, args):
        def call(session):
            response = session.get(f"{base}/api{path}", params=args, headers=headers,
                                   timeout=60)
            assert response.status_code == 200, response.text
        return call

    def engine_call(request):
        url, body = _engine_url(request)

        def call(session):
            response = session.post(url, json=body, timeout=60)
            assert response.status_code == 200, response.text
        return call

    api_calls = [api_call(path, args) for path, args, _ in built]
    engine_calls = [engine_call(request) for _, _, request in built]
    with common.gunicorn_server() as (base, master), common.RSSSampler(master) as rss:
        _load(api_calls, clients, len(api_calls))  # warm-up: every worker, every query
        _load(engine_calls, clients, len(engine_calls))
        results = {}
        for name, calls in (("api", api_calls), ("direct", engine_calls)):
            seconds, times = _load(calls, clients, per_client)
            results[name] = (len(times) / seconds, common.percentile(times, 95))
    return results["api"], results["direct"], rss.peak


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="synthetic documents")
    parser.add_argument("--rounds", type=int, default=30, help="runs of each query")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument("--requests", type=int, default=50, help="searches per client")
    args = parser.parse_args(argv)
    print(common.machine())
    print(f"load average at start: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    with common.bench_instance() as (app, user):
        inserted = insert_synthetic(args.n, user.id)
        print(f"inserted {args.n} rows in {inserted:.1f} s")
        seconds, docs = reindex_all()
        print(f"cap index reindex: {docs} documents in {seconds:.1f} s "
              f"({docs / seconds:.0f} docs/s)")
        built = engine_requests(app, user)
        api, direct, cpu, lines = measure_latency(app, user, built, args.rounds)
        suggest = measure_suggest(app, user, args.rounds)
        print("\n".join(lines))
        print(f"all searches   api {common.summary(api)} | direct {common.summary(direct)}")
        overhead = {q: (common.percentile(api, q) - common.percentile(direct, q)) * 1000
                    for q in (50, 95)}
        print(f"API overhead (api - direct): p50 {overhead[50]:.1f} ms, p95 {overhead[95]:.1f} ms "
              f"(aim p95 <= {AIM_P95_OVERHEAD_MS} ms) "
              f"{common.verdict(overhead[95] <= AIM_P95_OVERHEAD_MS)}; p95 ratio "
              f"{common.percentile(api, 95) / common.percentile(direct, 95):.2f}x")
        print(f"CPU of this process per search: api {common.summary(cpu['api'])} | "
              f"direct {common.summary(cpu['direct'])}; CAP's own work p50 "
              f"{(statistics.median(cpu['api']) - statistics.median(cpu['direct'])) * 1000:.1f} ms")
        print(f"suggest        {common.summary(suggest)} (aim: typical < 50 ms)")
        (api_rate, api_p95), (engine_rate, engine_p95), rss = measure_throughput(
            user, built, args.clients, args.requests)
        share = api_rate / engine_rate
        print(f"throughput, {args.clients} clients x {args.requests} searches: gunicorn "
              f"({os.environ.get('CAP_WORKERS', '2')} workers) {api_rate:.0f} req/s, "
              f"p95 {api_p95 * 1000:.1f} ms | engine {engine_rate:.0f} req/s, "
              f"p95 {engine_p95 * 1000:.1f} ms = {share:.0%} (aim >= {AIM_THROUGHPUT:.0%}) "
              f"{common.verdict(share >= AIM_THROUGHPUT)}; gunicorn RSS peak "
              f"{rss / 1024:.0f} MiB")
    print(f"load average at end: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")


if __name__ == "__main__":
    main()
