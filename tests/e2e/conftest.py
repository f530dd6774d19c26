"""End-to-end fixtures: the real ``cap-client`` 1.4 against a live CAP.

``cap-client`` pins its own dependencies, so it lives in an isolated venv
(``var/cap-client-venv``), created and installed from PyPI on first use and
reused afterwards. CAP (UI + API, the API under ``/api``) is served by
werkzeug in a thread on a free loopback port, on the test database and
indexes of this module's ``app``.
"""

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest
from invenio_app.factory import create_app as create_ui_and_api
from support.live import free_port, served_config, serving

ROOT = Path(__file__).resolve().parents[2]
CAP_CLIENT_VERSION = "1.4"
CAP_CLIENT_VENV = ROOT / "var" / "cap-client-venv"


@pytest.fixture(scope="module")
def live_port():
    """A free loopback port for the live server."""
    return free_port()


@pytest.fixture(scope="module")
def create_app(instance_path):
    """UI + API, as ``./scripts/run`` serves them (API under /api)."""
    return create_ui_and_api


@pytest.fixture(scope="module")
def app_config(app_config, live_port):
    """The served app knows its own address (``links`` are absolute URLs)."""
    return served_config(app_config, live_port)


@pytest.fixture(scope="module")
def cap_server(app, database, location, schemas, live_port):
    """The app served on loopback in a thread; yields its base URL."""
    with serving(app, live_port) as url:
        yield url


@pytest.fixture(scope="session")
def cap_client_bin():
    """The ``cap-client`` executable of the isolated venv (installed once)."""
    binary = CAP_CLIENT_VENV / "bin" / "cap-client"
    CAP_CLIENT_VENV.parent.mkdir(parents=True, exist_ok=True)
    # Parallel runs share the venv: one installs, the others wait for it.
    with open(CAP_CLIENT_VENV.parent / "cap-client-venv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not binary.exists():
            subprocess.run(
                [sys.executable, "-m", "venv", "--clear", str(CAP_CLIENT_VENV)], check=True
            )
            subprocess.run(
                [str(CAP_CLIENT_VENV / "bin" / "pip"), "install", "--quiet",
                 f"cap-client=={CAP_CLIENT_VERSION}"],
                check=True,
            )
    return binary


@pytest.fixture(scope="module")
def cap_client(cap_client_bin, cap_server):
    """Run ``cap-client`` as a user: ``cap_client(user, "analysis", "types")``.

    Returns the ``CompletedProcess`` (text output); never raises on a
    non-zero exit, so tests can assert on failures too.
    """

    def run(user, *args, cwd=None):
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", "/tmp"),
            "LANG": "C.UTF-8",
            "CAP_SERVER_URL": cap_server + "/",
            "CAP_SERVER_API_PATH": "api/",
            "CAP_ACCESS_TOKEN": user.token,
        }
        return subprocess.run(
            [str(cap_client_bin), *args], env=env, cwd=cwd,
            capture_output=True, text=True, timeout=60,
        )

    return run
