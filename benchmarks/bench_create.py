"""REST create vs the floor of a bare ``Record.create`` + commit + index.

REST create is ``POST /deposits/`` through the API app's Flask test client
with a personal token: authentication, ``$ana_type`` lookup, create
permission, lenient validation, PID + bucket, store, commit, index, and the
full JSON answer. The floor stores the same document with
``invenio_records.api.Record.create``, commits, and indexes it into the
same index with a plain ``RecordIndexer``: no validation, no permissions,
no PID, no bucket. Both run alternately, N times each after a warm-up, on
a throw-away instance (see ``benchmarks/common.py``).

Run: ``.venv/bin/python -m benchmarks.bench_create [N]``
"""

import json
import statistics
import sys
import time
from pathlib import Path

if not __package__:  # run as a file: python benchmarks/bench_create.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import (  # noqa: E402
    auth,
    bench_instance,
    cms_document,
    machine,
    summary,
    verdict,
)

AIM = 3.0
WARMUP = 10


def main(n=200):
    from invenio_db import db
    from invenio_indexer.api import RecordIndexer
    from invenio_records.api import Record

    from cap.modules.schemas.api import get_schema

    document = cms_document()
    body = json.dumps({**document, "$ana_type": "cms-analysis"})
    with bench_instance() as (app, user):
        headers = auth(user)
        # Unprefixed, as the app's own record_to_index: the indexer prefixes it.
        index = get_schema("cms-analysis").deposit_index
        indexer = RecordIndexer(record_to_index=lambda record: index)
        client = app.test_client()

        def rest():
            start = time.perf_counter()
            response = client.post("/deposits/", data=body, headers=headers)
            elapsed = time.perf_counter() - start
            assert response.status_code == 201, response.get_data(as_text=True)
            return elapsed

        def floor():
            start = time.perf_counter()
            record = Record.create(dict(document))
            db.session.commit()
            indexer.index(record)
            return time.perf_counter() - start

        for _ in range(WARMUP):
            rest()
            floor()
        rest_times, floor_times = [], []
        for _ in range(n):
            rest_times.append(rest())
            floor_times.append(floor())

    ratio = statistics.median(rest_times) / statistics.median(floor_times)
    ratio95 = sorted(rest_times)[int(n * 0.95) - 1] / sorted(floor_times)[int(n * 0.95) - 1]
    print(f"bench_create  N={n} (+{WARMUP} warm-up), {machine()}")
    print(f"  floor  Record.create + commit + index   {summary(floor_times)}")
    print(f"  REST   POST /deposits/ (test client)    {summary(rest_times)}")
    print(f"  ratio  REST / floor: p50 {ratio:.2f}x  p95 {ratio95:.2f}x"
          f"   (aim <= {AIM:.0f}x: {verdict(ratio <= AIM)})")
    return ratio


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
