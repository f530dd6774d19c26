"""The REANA client against the fake: retries, timeouts, refusals, REANA's shapes."""

import socket

import pytest

from cap.modules.core.errors import UpstreamTimeoutError, UpstreamUnavailableError
from cap.modules.workflows.client import ReanaClient, ReanaRefusal

SPEC = {"inputs": {"parameters": {"n": 1}},
        "workflow": {"type": "serial", "specification": {"steps": [{"commands": ["true"]}]}},
        "outputs": {"files": ["out.txt"]}}
TOKEN = "reana-cms-token"


@pytest.fixture()
def client(reana):
    return ReanaClient(reana.url, timeout=1, retries=2, backoff=0.01)


def test_a_flaky_reana_is_retried(client, reana):
    assert client.ping()
    reana.fail_next = 2
    created = client.create(TOKEN, "fit", SPEC)
    assert created["workflow_name"] == "fit.1"
    assert [path for _, path in reana.requests].count("/api/workflows") == 3


def test_down_unreachable_and_slow(client, reana):
    reana.mode = "down"
    with pytest.raises(UpstreamUnavailableError, match="answered 503"):
        client.status(TOKEN, "x")
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(UpstreamUnavailableError, match="unreachable"):
        ReanaClient(f"http://127.0.0.1:{port}", retries=0).ping()
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    listening.listen(1)  # accepts, never answers
    try:
        slow = ReanaClient(f"http://127.0.0.1:{listening.getsockname()[1]}", timeout=0.2,
                           retries=0)
        with pytest.raises(UpstreamTimeoutError):
            slow.ping()
    finally:
        listening.close()


def test_refusals_keep_reanas_message(client, reana):
    with pytest.raises(ReanaRefusal) as refused:
        client.status("wrong-token", "x")
    assert refused.value.status == 403
    workflow = client.create(TOKEN, "fit", SPEC)["workflow_id"]
    with pytest.raises(ReanaRefusal) as refused:
        client.stop(TOKEN, workflow)
    assert refused.value.status == 409
    assert "not running" in refused.value.message


def test_logs_are_decoded_and_the_workspace_listed(client, reana):
    workflow = client.create(TOKEN, "fit", SPEC)["workflow_id"]
    client.upload(TOKEN, workflow, "code/a.py", b"print(1)\n")
    client.start(TOKEN, workflow, {"n": 3})
    for _ in range(2):
        client.status(TOKEN, workflow)
    assert client.status(TOKEN, workflow)["status"] == "finished"
    assert "workflow finished" in client.logs(TOKEN, workflow)["workflow_logs"]
    names = {f["name"] for f in client.list_files(TOKEN, workflow)}
    assert names == {"code/a.py", "out.txt"}
    assert client.download(TOKEN, workflow, "out.txt").startswith(b"fit done")
    small = ReanaClient(reana.url, max_file_size=4)
    with pytest.raises(ReanaRefusal) as refused:
        small.download(TOKEN, workflow, "out.txt")
    assert refused.value.status == 413
