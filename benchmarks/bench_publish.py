"""Publish of a deposit with 1,000 files vs the same deposit with 1 file.

Both drafts hold the same complete cms-analysis; their files (1 KiB each)
are put straight into the bucket beforehand (not timed). The timed part is
``POST /deposits/<pid>/actions/publish`` through the API app's Flask test
client: full validation, recid, bucket snapshot (by reference), record,
commit, indexing, and the serialized answer. Each case runs on fresh
drafts, after a warm-up publish; the short 1-file case runs three times
per round (it is noisy on a busy machine); the ratio is of the medians.

Run: ``.venv/bin/python -m benchmarks.bench_publish [FILES] [ROUNDS]``
"""

import io
import statistics
import sys
import time
import uuid
from pathlib import Path

if not __package__:  # run as a file: python benchmarks/bench_publish.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import auth, bench_instance, cms_document, machine, verdict  # noqa: E402

AIM = 5.0
CONTENT = b"0123456789abcdef" * 64  # 1 KiB


def main(files=1000, rounds=3):
    from invenio_db import db
    from invenio_files_rest.models import Bucket, ObjectVersion

    document = {**cms_document(), "$ana_type": "cms-analysis"}
    with bench_instance() as (app, user):
        client = app.test_client()
        headers = auth(user)

        def draft_with(count):
            response = client.post("/deposits/", json=document, headers=headers)
            assert response.status_code == 201, response.get_data(as_text=True)
            bucket = Bucket.get(uuid.UUID(response.json["links"]["bucket"].rsplit("/", 1)[1]))
            for number in range(count):
                ObjectVersion.create(bucket, f"data/file-{number:05d}.txt",
                                     stream=io.BytesIO(CONTENT))
            db.session.commit()
            return response.json["id"]

        def publish(pid):
            start = time.perf_counter()
            response = client.post(f"/deposits/{pid}/actions/publish", headers=headers)
            elapsed = time.perf_counter() - start
            assert response.status_code == 202, response.get_data(as_text=True)
            assert len(response.json["files"]) in (1, files)
            return elapsed

        publish(draft_with(1))  # warm-up
        one, many = [], []
        for _ in range(rounds):
            one += [publish(draft_with(1)) for _ in range(3)]
            many.append(publish(draft_with(files)))

    ratio = statistics.median(many) / statistics.median(one)
    print(f"bench_publish  {rounds} rounds (+1 warm-up), {machine()}")
    print(f"  {len(one)} publishes of 1 file, {len(many)} of {files}")
    print(f"  publish, 1 file        median {statistics.median(one) * 1000:9.1f} ms")
    print(f"  publish, {files} files  median {statistics.median(many) * 1000:9.1f} ms")
    print(f"  ratio  {files} files / 1 file: {ratio:.2f}x"
          f"   (aim <= {AIM:.0f}x: {verdict(ratio <= AIM)})")
    return ratio


if __name__ == "__main__":
    args = [int(arg) for arg in sys.argv[1:3]]
    main(*args)
