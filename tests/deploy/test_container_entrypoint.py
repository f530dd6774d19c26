"""The image's entry point, run here as the web pods run it: the deployed
invenio.cfg (deploy/k8s ConfigMap), secrets as INVENIO_* variables, and the
kubelet's probe request (Host: localhost, X-Forwarded-Proto: https)."""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from support.live import free_port, worker_env

ROOT = Path(__file__).resolve().parents[2]
PROBE_HEADERS = {"Host": "localhost", "X-Forwarded-Proto": "https"}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def get(url, headers):
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture
def web_pod(app, database, tmp_path):
    """``container-entrypoint web`` with the deployed invenio.cfg; its base URL."""
    config = yaml.safe_load((ROOT / "deploy" / "k8s" / "configmap.yaml").read_text())
    (tmp_path / "invenio.cfg").write_text(config["data"]["invenio.cfg"])
    port = free_port()
    env = worker_env(app, str(tmp_path), CAP_PORT=str(port), CAP_WEB_WORKERS="1",
                     PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    log = (tmp_path / "web.log").open("wb")
    process = subprocess.Popen([str(ROOT / "scripts" / "container-entrypoint"), "web"],
                               env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if process.poll() is not None:
                raise RuntimeError((tmp_path / "web.log").read_text())
            try:
                urllib.request.urlopen(url, timeout=2)
            except urllib.error.HTTPError:
                break  # gunicorn answers (whatever the status)
            except OSError:
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(30)
        log.close()


def test_the_web_role_passes_the_probes_of_the_manifests(web_pod):
    status, body = get(f"{web_pod}/api/ping", PROBE_HEADERS)
    assert status == 200, body
    assert json.loads(body)["status"] == "up"
    # Why the probes send both headers: without them the HTTPS-only
    # configuration redirects, and an unknown host is refused.
    assert get(f"{web_pod}/api/ping", {"Host": "localhost"})[0] == 302
    assert get(f"{web_pod}/api/ping", dict(PROBE_HEADERS, Host="10.1.2.3:5000"))[0] == 400


def test_an_unknown_role_prints_the_usage():
    done = subprocess.run([str(ROOT / "scripts" / "container-entrypoint"), "serve"],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert "usage: container-entrypoint web|worker|beat|setup|cap" in done.stderr
