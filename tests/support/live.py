"""CAP served on loopback for tests that need a real HTTP server.

Browser tests and the cap-client end-to-end tests drive the UI + API app
over HTTP; the app must know its own address (links are absolute) and run
with CSRF protection on, as in production.
"""

import socket
import threading
from contextlib import contextmanager, suppress

from werkzeug.serving import make_server


def free_port():
    """A loopback port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def served_config(app_config, port):
    """``app_config`` for an app served at ``127.0.0.1:<port>``."""
    base = f"http://127.0.0.1:{port}"
    app_config.update(
        SERVER_NAME=f"127.0.0.1:{port}",
        SITE_UI_URL=base,
        SITE_API_URL=f"{base}/api",
        # Session-authenticated API writes must carry X-CSRFToken; token
        # requests skip the check.
        REST_CSRF_ENABLED=True,
    )
    return app_config


@contextmanager
def serving(app, port):
    """Serve ``app`` in a thread on ``port``; yields its base URL."""
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join(10)


class GunicornServer:
    """gunicorn serving an app object already built (gunicorn's documented custom
    application: ``BaseApplication`` with ``load_config`` and ``load``)."""

    def __init__(self, app, options):
        """``options``: gunicorn settings by name (``bind``, ``workers``, ...)."""
        from gunicorn.app.base import BaseApplication

        class Served(BaseApplication):
            def load_config(self):
                for key, value in options.items():
                    self.cfg.set(key, value)

            def load(self):
                return app

        self.application = Served()

    def run(self):
        """Serve until SIGTERM (gunicorn's arbiter: the calling process's main thread)."""
        self.application.run()


def close_pooled_broker_connections():
    """Close this process's pooled broker connections; call it before a fork.

    A child made by :mod:`multiprocessing` runs kombu's after-fork clean-up
    (``ConnectionPool.close_after_fork``), which closes the connections it
    inherited through py-amqp's ``Transport.close()``: that calls
    ``shutdown(SHUT_RDWR)``, which ends the socket for every process sharing
    it, so the parent's pooled connections die too and its next use of one
    (a task sent, the bulk queue drained) is a ``ConnectionResetError``.
    Closed here first (``resize`` with ``reset``: the same size, every
    connection closed, the pool refilled), the parent opens fresh ones.
    """
    from kombu import pools

    for pool in list(pools.connections.values()):
        pool.resize(pool.limit, reset=True)


class GunicornProcess:
    """A real gunicorn serving ``app`` on ``port`` in a forked process, which a
    test may start, kill (SIGKILL, workers included) and start again.

    The fork inherits the app, its configuration (test database, index
    prefix) and what the test committed. Database connections opened before
    the fork stay the parent's: the child's pool forgets them without closing
    them (SQLAlchemy's advice for forked processes).
    """

    def __init__(self, app, port, ping="/ping", **options):
        """``ping``: the path answering 200 once the app serves; ``options``:
        gunicorn settings by name (``workers``, ``timeout``, ...)."""
        self.app = app
        self.port = port
        self.ping = ping
        self.options = {"bind": f"127.0.0.1:{port}", "loglevel": "warning", **options}
        self.url = f"http://127.0.0.1:{port}"
        self.process = None

    def _serve(self):
        from invenio_db import db

        with self.app.app_context():
            db.engine.dispose(close=False)
        GunicornServer(self.app, self.options).run()

    def start(self):
        """Fork gunicorn and wait until ``ping`` answers."""
        import multiprocessing
        import time
        import urllib.request

        close_pooled_broker_connections()
        self.process = multiprocessing.get_context("fork").Process(target=self._serve,
                                                                   daemon=True)
        self.process.start()
        # As its clients call it: an app with SERVER_NAME answers 404 to other hosts.
        host = self.app.config.get("SERVER_NAME") or f"127.0.0.1:{self.port}"
        ping = urllib.request.Request(f"{self.url}{self.ping}", headers={"Host": host})
        for _ in range(200):
            try:
                urllib.request.urlopen(ping, timeout=5)
                return self
            except OSError:
                if not self.process.is_alive():
                    raise RuntimeError("gunicorn exited") from None
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer {self.ping} in 20 s")

    def kill(self):
        """SIGKILL the arbiter and its workers at once, as a crashed host would."""
        import os
        import signal
        import subprocess

        children = subprocess.run(["pgrep", "-P", str(self.process.pid)],
                                  capture_output=True, text=True).stdout.split()
        for pid in [self.process.pid, *map(int, children)]:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.join(30)

    def stop(self):
        """SIGTERM: gunicorn's graceful shutdown."""
        self.process.terminate()
        self.process.join(30)


@contextmanager
def gunicorn_serving(app, port, **options):
    """Serve ``app`` with a real gunicorn on ``port`` (:class:`GunicornProcess`);
    yields the URL, stops it gracefully on exit."""
    server = GunicornProcess(app, port, **options)
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


def worker_env(app, instance_path, **extra):
    """The environment of a Celery worker process of the same instance as
    ``app`` (its database, broker, search prefix, cache, result backend)."""
    import os

    return dict(
        os.environ,
        INVENIO_INSTANCE_PATH=instance_path,
        INVENIO_SECRET_KEY="test-secret-key",
        INVENIO_SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        INVENIO_BROKER_URL=app.config["BROKER_URL"],
        INVENIO_CELERY_BROKER_URL=app.config["CELERY_BROKER_URL"],
        INVENIO_SEARCH_HOSTS=repr(app.config["SEARCH_HOSTS"]),
        INVENIO_CACHE_REDIS_URL=app.config["CACHE_REDIS_URL"],
        INVENIO_CELERY_RESULT_BACKEND=app.config["CELERY_RESULT_BACKEND"],
        INVENIO_SEARCH_INDEX_PREFIX=app.config["SEARCH_INDEX_PREFIX"],
        **extra,
    )


@contextmanager
def celery_worker(app, instance_path, log_path, pool="prefork", **extra):
    """A Celery worker process of ``app``'s instance on its default queue
    (``CELERY_TASK_DEFAULT_QUEUE``, which the test module makes its own), its
    output written to ``log_path``; ``extra``: more environment (``INVENIO_*``
    settings). Stopped with SIGTERM (Celery's warm shutdown) on exit."""
    import subprocess
    import sys

    queue = app.config["CELERY_TASK_DEFAULT_QUEUE"]
    env = worker_env(app, instance_path, INVENIO_CELERY_TASK_DEFAULT_QUEUE=repr(queue), **extra)
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "invenio_app.celery", "worker",
             "--pool", pool, "--concurrency", "1", "--queues", queue, "--loglevel", "INFO",
             # A node name of its own: another worker on the same vhost (a
             # ./scripts/run) holds the default name's exclusive control queue.
             "--hostname", f"{queue}@%h",
             "--without-heartbeat", "--without-mingle", "--without-gossip"],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        process.terminate()
        process.wait(30)


def call(url, owner, method="GET", body=None, timeout=60):
    """``(status, json body, headers)`` of one JSON request with ``owner``'s token
    (a 4xx/5xx is an answer too, not an exception)."""
    import json
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        url, method=method, data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {owner.token}", "Content-Type": "application/json",
                 "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, json.loads(answer.read()), answer.headers
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read()), error.headers

