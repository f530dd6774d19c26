"""Upload of a 1 GiB file through the API vs a local disk copy of it.

The file (random bytes, generated once per run under ``var/bench/``) is
copied with ``shutil.copyfile`` (the floor), then uploaded with
``PUT /api/files/<bucket>/<key>`` to ``invenio_app.wsgi`` on gunicorn (one
sync worker, as ``./scripts/run`` serves it) in a subprocess; ``requests``
streams the body from a generator of 1 MiB chunks with its Content-Length
(CAP refuses chunked uploads). Printed: the throughput of each and their
ratio, and the server worker's memory: VmRSS after the upload minus before,
and its peak (VmHWM) minus VmRSS before. Everything is removed afterwards.

Run: ``.venv/bin/python -m benchmarks.bench_upload [MiB]`` (default 1024)
"""

import hashlib
import os
import shutil
import sys
import time
from pathlib import Path

if not __package__:  # run as a file: python benchmarks/bench_upload.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import (  # noqa: E402
    BENCH_DIR,
    auth,
    bench_instance,
    children,
    cms_document,
    gunicorn_server,
    machine,
    proc_status_kib,
    verdict,
)

MIB = 1024 * 1024
CHUNK = MIB
AIM_THROUGHPUT = 0.5
AIM_RSS_MIB = 100


class FileBody:
    """A generator of the file's chunks that also knows its length.

    ``requests`` streams any iterable; ``__len__`` makes it send
    Content-Length instead of a chunked body.
    """

    def __init__(self, path):
        self.path = path
        self.size = path.stat().st_size

    def __len__(self):
        return self.size

    def __iter__(self):
        with open(self.path, "rb") as fp:
            while chunk := fp.read(CHUNK):
                yield chunk


def make_file(path, mib):
    """``mib`` MiB of random bytes; returns their MD5."""
    md5 = hashlib.md5()
    with open(path, "wb") as fp:
        for _ in range(mib):
            chunk = os.urandom(MIB)
            md5.update(chunk)
            fp.write(chunk)
    return md5.hexdigest()


def main(mib=1024):
    import requests

    document = cms_document()
    with bench_instance() as (app, user):
        client = app.test_client()
        response = client.post(
            "/deposits/", json={**document, "$ana_type": "cms-analysis"}, headers=auth(user)
        )
        assert response.status_code == 201, response.get_data(as_text=True)
        bucket_path = response.json["links"]["bucket"].split("/api/", 1)[1]
        headers = {"Authorization": f"Bearer {user.token}"}

        source = BENCH_DIR / "upload-1gib.bin"
        md5 = make_file(source, mib)
        size = source.stat().st_size

        start = time.perf_counter()
        shutil.copyfile(source, BENCH_DIR / "copy.bin")
        copy_seconds = time.perf_counter() - start
        (BENCH_DIR / "copy.bin").unlink()

        with gunicorn_server() as (base, master):
            [worker] = children(master)
            session = requests.Session()
            # Warm-up: the first request loads what the worker loads lazily.
            warm = session.put(f"{base}/api/{bucket_path}/warm-up.txt", data=b"x" * MIB,
                               headers=headers, timeout=60)
            assert warm.status_code == 200, warm.text
            rss_before = proc_status_kib(worker, "VmRSS")

            start = time.perf_counter()
            upload = session.put(f"{base}/api/{bucket_path}/{source.name}",
                                 data=FileBody(source), headers=headers, timeout=1800)
            upload_seconds = time.perf_counter() - start
            assert upload.status_code == 200, upload.text
            assert upload.json()["size"] == size
            assert upload.json()["checksum"] == f"md5:{md5}", upload.json()

            rss_after = proc_status_kib(worker, "VmRSS")
            rss_peak = proc_status_kib(worker, "VmHWM")
        source.unlink()

    copy_rate = size / MIB / copy_seconds
    upload_rate = size / MIB / upload_seconds
    ratio = upload_rate / copy_rate
    growth = (rss_after - rss_before) / 1024
    peak = (rss_peak - rss_before) / 1024
    print(f"bench_upload  {size / MIB:.0f} MiB, {machine()}")
    print(f"  floor   shutil.copyfile            {copy_seconds:7.2f} s {copy_rate:7.1f} MiB/s")
    print(f"  upload  PUT /api/files (gunicorn)  {upload_seconds:7.2f} s {upload_rate:7.1f} MiB/s")
    print(f"  ratio   upload / copy throughput: {ratio:.0%}"
          f"   (aim >= {AIM_THROUGHPUT:.0%}: {verdict(ratio >= AIM_THROUGHPUT)})")
    print(f"  server worker RSS: {rss_before / 1024:.0f} MiB before, growth {growth:+.1f} MiB,"
          f" peak {peak:+.1f} MiB   (aim < {AIM_RSS_MIB} MB: "
          f"{verdict(max(growth, peak) * 1.048576 < AIM_RSS_MIB)})")
    return ratio, growth, peak


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1024)
