"""Search latency through the API vs the same query sent straight to OpenSearch.

N synthetic drafts and records spread over the types are bulk-inserted into
``records_metadata`` (SQLAlchemy core) and indexed with ``cap index
reindex``. Typical searches (``/deposits/`` and ``/records/``: free text,
DAS-style field terms, facet filters, sorts) run through the API app's
Flask test client with a personal token; each query's engine request (the
body and index the API sent, permission filter and aggregations included)
is captured (from a request made without speculation, whose engine request
goes through the search client) and replayed straight to OpenSearch with the
search client: that is the floor. The measured API requests run as served,
speculation included (``search.speculation``: from a token's second search
on, the engine request is sent while the token is verified). For
context, the same requests are also sent through a bare Flask view (no
authentication, permission filter or serialization), once alone and once
replaying the SQL statements and cache reads the API search made; and the
API with speculation off (the search sent only once the token is checked).
Suggestions (``/suggest``) are timed on their own (aim: < 50 ms typical).

Own database ``cap_bench_search`` and index prefix ``bench-search-``,
created and dropped. Run:
``.venv/bin/python -m benchmarks.bench_search [--n 100000] [--rounds 30]``
"""

import argparse
import itertools
import random
import sys
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

if not __package__:  # run as a file: python benchmarks/bench_search.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import common  # noqa: E402

AIM = 1.5

common.DATABASE_URI = common.DATABASE_URI.rsplit("/", 1)[0] + "/cap_bench_search"
common.INDEX_PREFIX = "bench-search-"

WGS = ["HIG", "EXO", "SUS", "TOP", "SMP", "B2G", "BPH", "MUO"]
PDS = ["SingleMuon", "SingleElectron", "DoubleMuon", "JetHT", "MET", "Tau", "EGamma"]
ERAS = ["Run2016B-17Jul2018_ver2-v1", "Run2017C-31Mar2018-v1", "Run2018A-UL2018_MiniAODv2-v1"]
TIERS = ["MINIAOD", "AOD", "NANOAOD"]
TRIGGERS = ["HLT_IsoMu24_v4", "HLT_IsoMu27_v8", "HLT_Ele32_WPTight_Gsf_v1", "HLT_PFHT1050_v5"]
WORDS = ["search", "measurement", "higgs", "boson", "top", "quark", "dark", "matter",
         "resonance", "jets", "leptons", "tau", "photon", "supersymmetry", "cross", "section"]
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
            "analysis_keywords": rng.sample(WORDS, 2)},
            "analysis_context": {"year": rng.randint(2016, 2024)},
            "input_data": {"primary_datasets": [{
                "path": f"/{rng.choice(PDS)}/{rng.choice(ERAS)}/{rng.choice(TIERS)}",
                "triggers": [{"trigger": rng.choice(TRIGGERS)}]}]}}
    if name == "generic":
        return {"title": title, "keywords": rng.sample(WORDS, 2),
                "people": [{"name": rng.choice(PEOPLE)}]}
    return {"basic_info": {"analysis_title": title}}


def synthetic_rows(n, user_id, base_url, seed=1):
    """``records_metadata`` rows: drafts (a fifth of them also published as records)."""
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(tzinfo=None)
    versions = {}
    from cap.modules.schemas.api import get_schema

    for name, _, _ in TYPES:
        versions[name] = get_schema(name).version
    weights = [share for _, _, share in TYPES]
    for i in range(n):
        name, experiment, _ = rng.choices(TYPES, weights)[0]
        owner = user_id if rng.random() < 0.3 else 10_000 + rng.randint(0, 500)
        published = rng.random() < 0.2
        depid = uuid.uuid4().hex
        data = {
            "$schema": f"{base_url}/schemas/{'records' if published else 'deposits/records'}/"
                       f"{name}-v{versions[name]}.json",
            "_deposit": {"id": depid, "status": "published" if published else "draft",
                         "owners": [owner], "created_by": owner},
            "_access": {f"{'record' if published else 'deposit'}-admin":
                        {"users": [owner], "roles": []}},
            **_metadata(rng, name, i),
        }
        if experiment:
            data["_experiment"] = experiment
        if published:
            data["control_number"] = f"CAP.BENCH.{i:08d}"
        yield {"id": uuid.uuid4(), "json": data, "version_id": 1, "created": now,
               "updated": now}


def insert_synthetic(n, user_id, batch=5000):
    """Bulk insert ``n`` rows with SQLAlchemy core; returns the seconds it took."""
    from flask import current_app
    from invenio_db import db
    from invenio_records.models import RecordMetadata

    base = current_app.config["SITE_API_URL"].rstrip("/")
    table = RecordMetadata.__table__
    start = time.perf_counter()
    rows = []
    for row in synthetic_rows(n, user_id, base):
        rows.append(row)
        if len(rows) == batch:
            db.session.execute(table.insert(), rows)
            rows = []
    if rows:
        db.session.execute(table.insert(), rows)
    db.session.commit()
    return time.perf_counter() - start


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


def _time(call, rounds):
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return times


def bare_forwarder(engine):
    """A bare Flask app whose one view sends the engine request it is given
    and answers the engine's JSON: what any Flask view around the same search
    costs (routing, request context, JSON in and out). Given the reads an
    API search made (its SQL statements as sent to the driver, its cache
    keys), the view replays them too, raw (plain cursor, autocommit, no ORM),
    one after the other and around the engine request: what CAP's reads cost
    when none of them overlaps the search. For context only: the aim's floor
    stays the direct request."""
    from flask import Flask, jsonify
    from invenio_cache import current_cache
    from invenio_db import db

    bare = Flask("bench-bare")
    current = {}
    connection = db.engine.raw_connection().dbapi_connection
    connection.autocommit = True
    store = current_cache.cache

    def replay(statements):
        with connection.cursor() as cursor:
            for statement, parameters in statements:
                cursor.execute(statement, parameters)
                cursor.fetchall()

    @bare.get("/search")
    def forward():
        reads = current["reads"]
        if reads:
            replay(reads["before"])
            store.get_many(*reads["keys"])
        answer = engine.search(**current["request"])
        if reads:
            replay(reads["after"])
        return jsonify(answer)

    client = bare.test_client()

    def send(request, reads=None):
        current["request"], current["reads"] = request, reads
        assert client.get("/search").status_code == 200

    return send


@contextmanager
def recorded_reads(engine):
    """The SQL statements (before and after the engine call) and the cache
    keys one API search reads, and the engine request it sends."""
    from invenio_cache import current_cache
    from invenio_db import db
    from sqlalchemy import event

    reads = {"before": [], "after": [], "keys": [], "request": None}
    store = current_cache.cache
    original_search, original_get_many = engine.search, store.get_many

    def search(*args, **kwargs):
        reads["request"] = kwargs
        return original_search(*args, **kwargs)

    def get_many(*keys):
        reads["keys"].extend(keys)
        return original_get_many(*keys)

    def statement(conn, cursor, sql, parameters, *args):
        reads["after" if reads["request"] else "before"].append((sql, parameters))

    engine.search, store.get_many = search, get_many
    event.listen(db.engine, "before_cursor_execute", statement)
    try:
        yield reads
    finally:
        event.remove(db.engine, "before_cursor_execute", statement)
        engine.search, store.get_many = original_search, original_get_many


@contextmanager
def without_speculation(app):
    """The API's search sent only after the token check (``CAP_SEARCH_SPECULATE`` off)."""
    app.config["CAP_SEARCH_SPECULATE"] = False
    try:
        yield
    finally:
        app.config["CAP_SEARCH_SPECULATE"] = True


def measure(app, user, rounds):
    """API, bare-Flask and direct p50/p95 per query, and the overall figures."""
    from invenio_db import db
    from invenio_search import current_search_client

    engine = current_search_client._get_current_object()
    client = app.test_client()
    headers = common.auth(user)
    forward = bare_forwarder(engine)
    api_all, direct_all, bare_all, reads_all, in_turn_all, lines = [], [], [], [], [], []
    new_arguments_all, fresh = [], itertools.count()
    for path, args in QUERIES:
        client.get(path, query_string=args, headers=headers)  # warm: caches filled
        db.session.remove()  # the recorded request starts as every measured one
        # Recorded without speculation, so that the engine request goes
        # through the search client (the speculative one does not).
        with without_speculation(app), recorded_reads(engine) as reads:
            answer = client.get(path, query_string=args, headers=headers)
        db.session.remove()
        assert answer.status_code == 200, answer.get_data(as_text=True)
        request = reads["request"]

        def via_api(path=path, args=args):
            response = client.get(path, query_string=args, headers=headers)
            # As a server's request teardown: the next request starts with
            # an empty session (the requests here share the benchmark's app
            # context, whose session would otherwise keep the token's user,
            # roles and client loaded from one request to the next).
            db.session.remove()
            assert response.status_code == 200

        def via_api_in_turn():
            with without_speculation(app):
                via_api()

        def via_api_new_arguments(path=path, args=args):
            # An argument the search ignores, new each time: no engine
            # request is remembered for these arguments, so it is built
            # ahead from the token's hint.
            via_api(path, {**args, "bench_fresh": str(next(fresh))})

        def direct(request=request):
            engine.search(**request)

        def bare(request=request):
            forward(request)

        def bare_with_reads(request=request, reads=reads):
            forward(request, reads)

        via_api(), direct(), bare(), bare_with_reads()  # warm-up
        api_times, direct_times = [], []
        for _ in range(rounds):  # alternate, so load changes hit all alike
            api_times += _time(via_api, 1)
            direct_times += _time(direct, 1)
            bare_all.extend(_time(bare, 1))
            reads_all.extend(_time(bare_with_reads, 1))
            in_turn_all.extend(_time(via_api_in_turn, 1))
            new_arguments_all.extend(_time(via_api_new_arguments, 1))
        api_all += api_times
        direct_all += direct_times
        total = answer.json["hits"]["total"]
        lines.append(f"  {path:11} {str(args)[:48]:48} hits {total:6}  "
                     f"api {common.summary(api_times)} | direct {common.summary(direct_times)}")
    suggest_times = []
    for args in SUGGESTS:
        def one(args=args):
            response = client.get("/suggest", query_string=args, headers=headers)
            db.session.remove()
            assert response.status_code == 200, response.get_data(as_text=True)
        one()
        suggest_times += _time(one, rounds)
    return (api_all, direct_all, bare_all, reads_all, in_turn_all, new_arguments_all,
            suggest_times, lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="synthetic documents")
    parser.add_argument("--rounds", type=int, default=30, help="runs of each query")
    args = parser.parse_args(argv)
    print(common.machine())
    with common.bench_instance() as (app, user):
        inserted = insert_synthetic(args.n, user.id)
        print(f"inserted {args.n} rows in {inserted:.1f} s")
        seconds, docs = reindex_all()
        print(f"cap index reindex: {docs} documents in {seconds:.1f} s "
              f"({docs / seconds:.0f} docs/s)")
        api, direct, bare, reads, in_turn, new_arguments, suggest, lines = measure(
            app, user, args.rounds)
        print("\n".join(lines))
        p95_api, p95_direct = common.percentile(api, 95), common.percentile(direct, 95)
        ratio = p95_api / p95_direct
        print(f"all searches   api {common.summary(api)} | direct {common.summary(direct)}")
        print(f"p95 ratio api/direct = {ratio:.2f}x (aim <= {AIM}x) {common.verdict(ratio <= AIM)}")
        print(f"context: a bare Flask view forwarding the same requests {common.summary(bare)}"
              f" = {common.percentile(bare, 95) / p95_direct:.2f}x direct at p95")
        print(f"context: the same view also replaying each search's SQL and cache reads "
              f"{common.summary(reads)} = {common.percentile(reads, 95) / p95_direct:.2f}x "
              f"direct at p95 (the reads made in turn, none overlapped with the search)")
        print(f"context: the API without speculation (token checked, then the search sent) "
              f"{common.summary(in_turn)} = {common.percentile(in_turn, 95) / p95_direct:.2f}x "
              f"direct at p95")
        print(f"context: the API with arguments new each time (no request remembered for them) "
              f"{common.summary(new_arguments)} = "
              f"{common.percentile(new_arguments, 95) / p95_direct:.2f}x direct at p95")
        print(f"suggest        {common.summary(suggest)} (aim: typical < 50 ms)")


if __name__ == "__main__":
    main()
