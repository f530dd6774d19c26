"""Gunicorn as ./scripts/run starts it: tokens in the URL never reach the access log."""

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from cap.modules.core.access_log import redact

CONFIG = Path(__file__).parents[2] / "scripts" / "gunicorn.conf.py"
PORTS = range(5240, 5250)
"""Engineer E's manual-server ports."""

WSGI_APP = '''
def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/json")])
    return [b"{}"]
'''


def free_port():
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    pytest.fail("no free port in 5240-5249")


@pytest.fixture
def gunicorn(tmp_path):
    (tmp_path / "tiny_app.py").write_text(WSGI_APP)
    log = tmp_path / "access.log"
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "tiny_app:application", "--config", str(CONFIG),
         "--pythonpath", str(tmp_path), "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--access-logfile", str(log), "--error-logfile", str(tmp_path / "error.log")],
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60  # a loaded machine starts gunicorn slowly
    while True:
        try:
            urllib.request.urlopen(url + "/", timeout=5)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.terminate()
                pytest.fail(f"gunicorn did not answer on {url}")
            time.sleep(0.2)
    log.write_text("")  # the readiness probe's line
    yield url, log
    server.terminate()
    server.wait(10)


def test_tokens_in_the_query_string_are_not_logged(gunicorn):
    url, log = gunicorn
    request = urllib.request.Request(
        f"{url}/api/me?access_token=S3CRET-TOKEN&q=muon",
        headers={"Referer": f"{url}/drafts?access_token=OTHER-SECRET"},
    )
    assert urllib.request.urlopen(request, timeout=5).status == 200
    time.sleep(0.5)  # the access log is written after the answer
    text = log.read_text()
    assert "/api/me?access_token=[redacted]&q=muon" in text
    assert "S3CRET-TOKEN" not in text and "OTHER-SECRET" not in text


def test_request_line_limit_is_gunicorns_largest(gunicorn):
    url, _ = gunicorn
    assert urllib.request.urlopen(f"{url}/api/records/?q={'x' * 7000}", timeout=5).status == 200
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{url}/api/records/?q={'x' * 9000}", timeout=5)
    assert refused.value.code == 400


def test_redact():
    assert redact("GET /a?access_token=abc&x=1 HTTP/1.1") == (
        "GET /a?access_token=[redacted]&x=1 HTTP/1.1")
    assert redact("/a?x=1&ACCESS_TOKEN=abc") == "/a?x=1&ACCESS_TOKEN=[redacted]"
    assert redact("/a?my_access_token_note=1") == "/a?my_access_token_note=1"
