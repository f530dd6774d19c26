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


def test_create_and_start_send_reana_servers_bodies(client, reana):
    """The body of a create is the specification itself (reana-server reads
    ``request.json["workflow"]["type"]``); a start sends no ``restart`` key
    (its mere presence makes reana-server restart a finished run)."""
    created = client.create(TOKEN, "fit", SPEC)
    workflow = reana.workflows[created["workflow_id"]]
    assert workflow["specification"] == SPEC
    started = client.start(TOKEN, created["workflow_id"], {"n": 2})
    assert started["status"] == "queued"
    assert started["workflow_name"] == "fit"
    assert [client.status(TOKEN, created["workflow_id"])["status"] for _ in range(3)] == [
        "pending", "running", "finished"]
    progress = client.status(TOKEN, created["workflow_id"])["progress"]
    assert progress["finished"]["total"] == 1
    assert progress["run_finished_at"] is not None


def test_reanas_refusals_tell_the_token_from_the_operation(client, reana):
    with pytest.raises(ReanaRefusal) as refused:
        client.create(TOKEN, "fit.v2", SPEC)  # reana-commons: "." is illegal in a name
    assert refused.value.status == 403
    assert 'illegal character "."' in refused.value.message
    assert not refused.value.token_refused
    workflow = client.create(TOKEN, "fit", SPEC)["workflow_id"]
    client.start(TOKEN, workflow)
    with pytest.raises(ReanaRefusal) as refused:
        client.start(TOKEN, workflow)
    assert refused.value.status == 403
    assert "already queued and cannot be started again" in refused.value.message
    assert not refused.value.token_refused
    with pytest.raises(ReanaRefusal) as refused:
        client.status("wrong-token", workflow)
    assert refused.value.token_refused
    with pytest.raises(ReanaRefusal) as refused:
        client.status(None, workflow)
    assert refused.value.status == 401
    assert refused.value.token_refused
    with pytest.raises(ReanaRefusal) as refused:
        client.status(TOKEN, "4e576cf9-a946-4346-9cde-7712f8dcbb3f")
    assert refused.value.status == 404
    assert "REANA_WORKON" in refused.value.message
    assert refused.value.run_unknown and not refused.value.token_refused
    with pytest.raises(ReanaRefusal) as refused:  # reana-server looks it up itself: 403
        client.start(TOKEN, "4e576cf9-a946-4346-9cde-7712f8dcbb3f")
    assert (refused.value.status, refused.value.run_unknown) == (403, True)
