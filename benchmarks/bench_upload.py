"""Upload of a 1 GiB file through the API vs one core hashing it (MD5).

The file (random bytes, generated once per run under ``var/bench/``) is
uploaded with ``PUT /api/files/<bucket>/<key>`` to ``invenio_app.wsgi`` on
gunicorn with ``./scripts/run``'s settings (2 sync workers, each warmed up
first; one serves the upload) in a subprocess; ``requests`` streams the
body from a generator of 1 MiB chunks with its Content-Length (CAP refuses
chunked uploads). The aim compares the upload with the MD5 of the same
(cached) file in this process, on one core: the contract's checksum is one
sequential pass that no upload can beat. Printed for context: a
``shutil.copyfile`` of the file (in-kernel copy), the same copy as a
read/write loop through the process's memory, the CPU the worker and the
client used, and the memory of the worker that served the upload: VmRSS
after minus before, and its peak (VmHWM) minus VmRSS before. Everything is
removed afterwards.

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


def proc_io(pid, field):
    """A ``/proc/<pid>/io`` counter (``wchar``: bytes the process wrote)."""
    for line in Path(f"/proc/{pid}/io").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def proc_cpu_seconds(pid):
    """User + system CPU seconds of a process, all its threads (``/proc/<pid>/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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

        # Not a floor, a ceiling: the contract's MD5 is one sequential pass
        # that no upload can beat, measured over the same (cached) file.
        start = time.perf_counter()
        with open(source, "rb") as fp:
            ceiling_md5 = hashlib.md5()
            while chunk := fp.read(5 * MIB):
                ceiling_md5.update(chunk)
        md5_seconds = time.perf_counter() - start

        # Reference, not the floor: shutil.copyfile copies inside the kernel
        # (sendfile), while a server receives the bytes into its own memory;
        # this is the same copy done through a process's buffers.
        start = time.perf_counter()
        with open(source, "rb") as src, open(BENCH_DIR / "copy.bin", "wb") as dst:
            while chunk := src.read(5 * MIB):
                dst.write(chunk)
        loop_seconds = time.perf_counter() - start
        (BENCH_DIR / "copy.bin").unlink()

        with gunicorn_server() as (base, master):
            workers = children(master)
            # Warm-up: the first request of each worker loads what it loads
            # lazily. Which worker accepts a connection is up to the kernel:
            # warm up until every worker has written a warm-up file.
            start_io = {pid: proc_io(pid, "wchar") for pid in workers}
            for i in range(50):
                warm = requests.put(f"{base}/api/{bucket_path}/warm-up-{i}.txt",
                                    data=b"x" * MIB, headers=headers, timeout=60)
                assert warm.status_code == 200, warm.text
                if all(proc_io(pid, "wchar") - start_io[pid] >= MIB for pid in workers):
                    break
            rss_before = {pid: proc_status_kib(pid, "VmRSS") for pid in workers}
            wchar_before = {pid: proc_io(pid, "wchar") for pid in workers}

            cpu_before = {pid: proc_cpu_seconds(pid) for pid in workers}
            client_cpu = time.process_time()
            session = requests.Session()
            start = time.perf_counter()
            upload = session.put(f"{base}/api/{bucket_path}/{source.name}",
                                 data=FileBody(source), headers=headers, timeout=1800)
            upload_seconds = time.perf_counter() - start
            client_cpu = time.process_time() - client_cpu
            assert upload.status_code == 200, upload.text
            assert upload.json()["size"] == size
            assert upload.json()["checksum"] == f"md5:{md5}", upload.json()

            # The worker that served the upload wrote the file.
            worker = max(workers, key=lambda pid: proc_io(pid, "wchar") - wchar_before[pid])
            rss_before = rss_before[worker]
            worker_cpu = proc_cpu_seconds(worker) - cpu_before[worker]
            rss_after = proc_status_kib(worker, "VmRSS")
            rss_peak = proc_status_kib(worker, "VmHWM")
        source.unlink()

    copy_rate = size / MIB / copy_seconds
    upload_rate = size / MIB / upload_seconds
    md5_rate = size / MIB / md5_seconds
    loop_rate = size / MIB / loop_seconds
    ratio = upload_rate / md5_rate
    growth = (rss_after - rss_before) / 1024
    peak = (rss_peak - rss_before) / 1024
    print(f"bench_upload  {size / MIB:.0f} MiB, {machine()}")
    print(f"  copy    shutil.copyfile            {copy_seconds:7.2f} s {copy_rate:7.1f} MiB/s")
    print(f"  upload  PUT /api/files (gunicorn)  {upload_seconds:7.2f} s {upload_rate:7.1f} MiB/s")
    print(f"  CPU during the upload: server worker {worker_cpu:.2f} s, client {client_cpu:.2f} s"
          f" over {upload_seconds:.2f} s on {os.cpu_count()} cores"
          f" (load average {os.getloadavg()[0]:.2f})")
    print(f"  ceiling MD5 of the file (one core)  {md5_seconds:7.2f} s {md5_rate:7.1f} MiB/s"
          f"   (upload / copy cannot pass {min(md5_rate / copy_rate, 1):.0%} here)")
    print(f"  reference: read/write loop copy     {loop_seconds:7.2f} s {loop_rate:7.1f} MiB/s"
          f"   (upload / loop copy: {upload_rate / loop_rate:.0%})")
    print(f"  upload / copy throughput: {upload_rate / copy_rate:.0%}")
    print(f"  ratio   upload / MD5 (one core): {ratio:.0%}"
          f"   (aim >= {AIM_THROUGHPUT:.0%}: {verdict(ratio >= AIM_THROUGHPUT)})")
    print(f"  server worker RSS: {rss_before / 1024:.0f} MiB before, growth {growth:+.1f} MiB,"
          f" peak {peak:+.1f} MiB   (aim < {AIM_RSS_MIB} MB: "
          f"{verdict(max(growth, peak) * 1.048576 < AIM_RSS_MIB)})")
    return ratio, growth, peak


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1024)
