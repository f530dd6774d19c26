"""Load test: simulated physicists against gunicorn at 100,000 documents.

A throw-away instance (``benchmarks/common.py``: its own database, index
prefix and files folder, dropped on exit) gets N synthetic drafts and
records (``bench_search``'s bulk insert, then ``cap index reindex``'s bulk
indexing) and ``--accounts`` CMS members with personal tokens. It is served
by ``invenio_app.wsgi`` on gunicorn as ``./scripts/run`` serves it
(``CAP_WORKERS`` sync workers, loopback only). Then locust runs headless
(``benchmarks/locustfile.py``: dashboard, search, create, edit, upload,
publish, 1-3 s think time) once per step of ``--users``, each step bounded
by ``--seconds``; per step it reports throughput, p50/p95/p99 per request
type, the error rate and the server's RSS (gunicorn master and workers,
sampled every second), and finally the knee: the first step whose p95 over
all requests passes 1 s. Run:

``.venv/bin/python -m benchmarks.bench_load [--n 100000] [--users 10,25,50,100,150]
[--seconds 60]`` (needs ``pip install -e ".[benchmarks]"`` for locust).
"""

import argparse
import csv
import json
import os
import subprocess
import sys
from pathlib import Path

if not __package__:  # run as a file: python benchmarks/bench_load.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import bench_search, common  # noqa: E402

# Its own instance (bench_search, imported for its data, names a fixed one).
common.DATABASE_URI = common.DATABASE_URI.rsplit("/", 1)[0] + f"/cap_bench_load_{common.RUN}"
common.INDEX_PREFIX = f"bench-load-{common.RUN}-"
KNEE_P95_MS = 1000
LOCUSTFILE = Path(__file__).with_name("locustfile.py")


def make_accounts(count):
    """``count`` CMS members with personal tokens; their tokens."""
    from invenio_db import db

    from cap.modules.instance import fixtures

    tokens = []
    for i in range(count):
        user = fixtures.ensure_user(f"load-{i}@cern.ch", None, common.ROLES)
        db.session.commit()
        tokens.append(fixtures.ensure_personal_token(user, name="load").access_token)
        db.session.commit()
    return tokens


def run_step(base, tokens, users, seconds, out):
    """One bounded headless locust run; its stats rows by request name."""
    prefix = out / f"users-{users}"
    env = {**os.environ, "CAP_LOAD_TOKENS": ",".join(tokens),
           "CAP_LOAD_QUERIES": json.dumps(bench_search.QUERIES)}
    command = [str(common.VENV_BIN / "locust"), "-f", str(LOCUSTFILE), "--headless",
               "--host", base, "--users", str(users),
               "--spawn-rate", str(max(1, users // 5)), "--run-time", f"{seconds}s",
               "--stop-timeout", "10", "--csv", str(prefix), "--only-summary",
               "--loglevel", "WARNING", "--exit-code-on-error", "0"]
    subprocess.run(command, env=env, check=True, timeout=seconds + 120,
                   stdout=subprocess.DEVNULL)
    with open(f"{prefix}_stats.csv", newline="") as fp:
        return {row["Name"]: row for row in csv.DictReader(fp)}


def report(users, rows, rss):
    """Print one step; ``(p95 over all requests in ms, error rate)``."""
    total = rows["Aggregated"]
    count, failures = int(total["Request Count"]), int(total["Failure Count"])
    error_rate = failures / count if count else 0.0
    print(f"\n{users} users: {float(total['Requests/s']):.1f} req/s, {count} requests, "
          f"errors {failures} ({error_rate:.2%}), server RSS peak {rss.peak / 1024:.0f} MiB")
    print(f"  {'request':<22} {'count':>6} {'req/s':>6} {'p50':>7} {'p95':>7} {'p99':>7}"
          f" {'errors':>6}")
    for name, row in sorted(rows.items(), key=lambda item: item[0] == "Aggregated"):
        print(f"  {name:<22} {row['Request Count']:>6} {float(row['Requests/s']):>6.1f}"
              f" {row['50%']:>7} {row['95%']:>7} {row['99%']:>7} {row['Failure Count']:>6}")
    return float(total["95%"]), error_rate


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="synthetic documents")
    parser.add_argument("--users", default="10,25,50,100,150",
                        help="simulated users of each step, comma-separated")
    parser.add_argument("--seconds", type=int, default=60, help="length of each step")
    parser.add_argument("--accounts", type=int, default=20, help="distinct CMS accounts")
    args = parser.parse_args(argv)
    steps = [int(users) for users in args.users.split(",")]

    print(common.machine())
    with common.bench_instance() as (app, user):
        inserted = bench_search.insert_synthetic(args.n, user.id)
        print(f"inserted {args.n} rows in {inserted:.1f} s")
        seconds, documents = bench_search.reindex_all()
        print(f"indexed {documents} documents in {seconds:.1f} s")
        tokens = make_accounts(args.accounts)
        out = common.BENCH_DIR / "locust"
        out.mkdir(parents=True, exist_ok=True)
        knee = None
        with common.gunicorn_server() as (base, master):
            for users in steps:
                with common.RSSSampler(master) as rss:
                    rows = run_step(base, tokens, users, args.seconds, out)
                p95, _ = report(users, rows, rss)
                if knee is None and p95 > KNEE_P95_MS:
                    knee = users
        print(f"\nknee (first step with p95 over all requests > {KNEE_P95_MS} ms): "
              f"{knee if knee else f'not reached up to {steps[-1]} users'}")


if __name__ == "__main__":
    main()
