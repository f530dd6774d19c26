"""What every benchmark shares: a throw-away CAP instance on the real services.

Each run gets its own database (``cap_bench_<pid>``), index prefix
(``bench-<pid>-``) and files folder (``var/bench/<pid>/``), created on entry
and dropped on exit, so a benchmark never touches the dev instance that
``./scripts/run`` serves, nor a test run. The settings travel as
``INVENIO_*`` environment variables, so a server started in a subprocess
(gunicorn) uses the same throw-away instance.
"""

import copy
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager, suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"
RUN = os.getpid()
BENCH_DIR = ROOT / "var" / "bench" / str(RUN)
PG_PORT = os.environ.get("CAP_PG_PORT", "5432")
OPENSEARCH_PORT = os.environ.get("CAP_OPENSEARCH_PORT", "9200")
DATABASE_URI = f"postgresql+psycopg2://cap:cap@127.0.0.1:{PG_PORT}/cap_bench_{RUN}"
INDEX_PREFIX = f"bench-{RUN}-"

# A CMS member, as on the demo instance.
EMAIL = "bench-physicist@cern.ch"
ROLES = ("cms-members@cern.ch",)


def bench_environ():
    """The ``INVENIO_*`` settings of the throw-away instance."""
    return {
        "INVENIO_SQLALCHEMY_DATABASE_URI": DATABASE_URI,
        "INVENIO_SEARCH_INDEX_PREFIX": INDEX_PREFIX,
        # Served on plain http://127.0.0.1 (invenio.cfg is HTTPS-only otherwise).
        "CAP_PLAIN_HTTP": "1",
        "INVENIO_SEARCH_HOSTS": repr([{"host": "127.0.0.1", "port": int(OPENSEARCH_PORT)}]),
        "INVENIO_CAP_FILES_LOCATION_URI": str(BENCH_DIR / "files"),
        # Indexing is synchronous after commit; no test of the mail or celery path here.
        "INVENIO_CELERY_TASK_ALWAYS_EAGER": "True",
        "INVENIO_MAIL_SUPPRESS_SEND": "True",
        # 200 creates in a few seconds would hit the per-user limit (100/min).
        "INVENIO_RATELIMIT_ENABLED": "False",
        # invenio-access's action cache lives in the shared Redis DB: own keys.
        "INVENIO_ACCESS_ACTION_CACHE_PREFIX": f"cap:{INDEX_PREFIX}access::action::",
    }


@contextmanager
def bench_instance(ui=False):
    """A fresh CAP app (API, or UI + API) on its own database and indexes.

    Yields ``(app, user)`` inside an app context; ``user`` has ``.token``,
    ``.id`` and ``.email``. Everything is dropped on exit, even on errors.
    """
    from invenio_app.factory import create_api, create_app
    from sqlalchemy_utils.functions import create_database, database_exists, drop_database

    os.environ.update(bench_environ())
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if database_exists(DATABASE_URI):
        drop_database(DATABASE_URI)
    create_database(DATABASE_URI)
    app = (create_app if ui else create_api)()
    index_names = []
    try:
        with app.app_context():
            from invenio_db import db

            from cap.modules.instance import fixtures
            from cap.modules.schemas import api

            db.create_all()
            for schema, _ in api.load_from_directory():
                api.create_indexes(schema)
                index_names += api.index_names(schema)
            fixtures.load_location(str(BENCH_DIR / "files"))
            fixtures.load_roles()
            user = fixtures.ensure_user(EMAIL, None, ROLES)
            db.session.commit()
            token = fixtures.ensure_personal_token(user, name="bench")
            db.session.commit()
            user.token = token.access_token
            yield app, user
            db.session.remove()
    finally:
        with app.app_context():
            from cap.modules.schemas import api

            api.delete_index_names(index_names)
            from invenio_db import db

            db.session.remove()
            db.engine.dispose()
        drop_database(DATABASE_URI)
        shutil.rmtree(BENCH_DIR, ignore_errors=True)
        _remove_if_empty(BENCH_DIR.parent)


def _remove_if_empty(path):
    with suppress(OSError):
        path.rmdir()


def example_text(name):
    """The JSON text of the latest version's ``example.json`` of a deposit type:
    a complete document, as a filled-in form."""
    folder = ROOT / "cap" / "jsonschemas" / name
    latest = max(folder.iterdir(), key=lambda p: tuple(int(x) for x in p.name[1:].split(".")))
    return (latest / "example.json").read_text()


def cms_document():
    """A complete cms-analysis (passes publish validation) a member may write."""
    document = json.loads(example_text("cms-analysis"))
    document.pop("cadi_info", None)  # field permission: conveners only
    # A CADI id belongs to one analysis: repeated creates would be refused.
    document["basic_info"].pop("cadi_id", None)
    return copy.deepcopy(document)


def auth(user):
    """Bearer-token JSON headers of ``user``."""
    return {
        "Authorization": f"Bearer {user.token}",
        "Content-Type": "application/json",
        "Accept": "application/json",
    }


def percentile(values, q):
    """The ``q``-th percentile (0-100), nearest rank."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def summary(values):
    """``p50 / p95`` in milliseconds."""
    return (
        f"p50 {statistics.median(values) * 1000:8.1f} ms   "
        f"p95 {percentile(values, 95) * 1000:8.1f} ms"
    )


def free_port():
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn_server(workers=None):
    """``invenio_app.wsgi`` (UI + API under /api) on gunicorn, as ``./scripts/run``
    serves it: ``CAP_WORKERS`` (default 2) sync workers, ``--timeout 120``.

    Uses the throw-away instance of :func:`bench_instance` (enter that
    first). Yields ``(base_url, master_pid)``.
    """
    if workers is None:
        workers = int(os.environ.get("CAP_WORKERS", "2"))
    port = free_port()
    log = open(BENCH_DIR / "gunicorn.log", "wb")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "invenio_app.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "120"],
        env={**os.environ, **bench_environ()},
        stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        import requests

        for _ in range(120):
            try:
                if requests.get(f"{base}/api/ping", timeout=10).ok:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {BENCH_DIR / 'gunicorn.log'}")
            time.sleep(0.5)
        else:
            raise RuntimeError("gunicorn did not answer /api/ping in 60 s")
        yield base, process.pid
    finally:
        stop_process(process)
        log.close()


def stop_process(process):
    """SIGTERM a child process (its graceful stop); killed when still there after 30 s."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class RSSSampler:
    """The summed RSS (KiB) of a process and its children, sampled every second."""

    def __init__(self, pid):
        """Sample ``pid`` (e.g. gunicorn's master) and its children (workers)."""
        self.pid, self.peak, self.last = pid, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while True:
            try:
                total = tree_rss_kib(self.pid)
            except (OSError, KeyError):
                total = None  # a worker replaced between the listing and the read
            if total is not None:
                self.last, self.peak = total, max(self.peak, total)
            if self._stop.wait(1):
                return

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(5)


def tree_rss_kib(pid):
    """The summed RSS (KiB) of ``pid`` and its children."""
    return sum(proc_status_kib(one, "VmRSS") for one in (pid, *children(pid)))


def children(pid):
    """Child process ids of ``pid`` (Linux /proc)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()]


def proc_status_kib(pid, field):
    """A ``/proc/<pid>/status`` value in KiB (``VmRSS``, ``VmHWM``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def machine():
    """One line about where the figures come from."""
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} cores {model}; Python {sys.version.split()[0]}"


def verdict(ok):
    """``ok`` / ``MISSED`` for the aim line."""
    return "ok" if ok else "MISSED"
