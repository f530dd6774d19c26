"""Several CAP web instances behind a real HAProxy (scripts/lib/balancer.py),
as ``./scripts/run --scale web=3`` serves them: gunicorn processes forked
from this module's app (UI + API, the API under /api), on one database,
one Redis and one search cluster."""

import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from invenio_app.factory import create_app as create_ui_and_api
from support.live import GunicornProcess, free_port, served_config

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts" / "lib"))
import balancer  # noqa: E402

INSTANCES = 3


@pytest.fixture(scope="module")
def balancer_port():
    return free_port()


@pytest.fixture(scope="module")
def create_app(instance_path):
    """UI + API, as ``./scripts/run`` serves them."""
    return create_ui_and_api


@pytest.fixture(scope="module")
def app_config(app_config, balancer_port):
    """Served at the balancer's address; rate limits on and in Redis (shared by
    the instances), low for guests so a test can reach them."""
    served_config(app_config, balancer_port)
    app_config.update(
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=app_config["CACHE_REDIS_URL"],
        RATELIMIT_KEY_PREFIX=f"cap-test-scale-{uuid.uuid4().hex[:8]}",
        RATELIMIT_GUEST_USER="12 per minute",
        PROXYFIX_CONFIG={"x_for": 1},
    )
    return app_config


@pytest.fixture(scope="module")
def web(app, database, location, schemas, experiment_roles):
    """The web instances (:class:`GunicornProcess`), started."""
    instances = [GunicornProcess(app, free_port(), ping="/api/ping", workers=1,
                                 worker_class="gthread", threads=4, timeout=60)
                 for _ in range(INSTANCES)]
    for instance in instances:
        instance.start()
    yield instances
    for instance in instances:
        if instance.process.is_alive():
            instance.stop()


@pytest.fixture(scope="module")
def all_instances():
    """HAProxy's names of the instances."""
    return {f"web{n}" for n in range(1, INSTANCES + 1)}


@pytest.fixture(scope="module")
def states():
    """``states(state_dir, expected)``: wait until HAProxy reports ``expected``
    (a fixture: ``from conftest import`` finds whichever conftest came first)."""
    return wait_for_states


@pytest.fixture(scope="module")
def balanced(web, balancer_port, tmp_path_factory):
    """HAProxy over the instances; yields ``(url, state_dir)`` once all are UP."""
    state_dir = tmp_path_factory.mktemp("balancer")
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "lib" / "balancer.py"),
         "--bind", f"127.0.0.1:{balancer_port}", "--state-dir", str(state_dir),
         *[f"127.0.0.1:{instance.port}" for instance in web]])
    try:
        wait_for_states(state_dir, {f"web{n}": "UP" for n in range(1, INSTANCES + 1)})
        yield f"http://127.0.0.1:{balancer_port}", state_dir
    finally:
        process.terminate()
        process.wait(30)


def wait_for_states(state_dir, expected, timeout=20):
    """Wait until HAProxy reports ``expected`` (``{server: status}``)."""
    deadline = time.monotonic() + timeout
    states = None
    while time.monotonic() < deadline:
        try:
            states = balancer.server_states(state_dir)
        except OSError:  # the admin socket is not there yet
            states = None
        if states and all(states.get(name, "").startswith(status)
                          for name, status in expected.items()):
            return states
        time.sleep(0.2)
    raise AssertionError(f"HAProxy says {states}, expected {expected}")
