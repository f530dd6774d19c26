"""A web worker killed with SIGKILL mid-upload: no object appears, and the
bytes it had written are removed by the orphan clean-up (not before their
grace period, and never a stored file)."""

import hashlib
import os
import signal
import socket
import subprocess
import time

import pytest
from invenio_access.permissions import system_identity
from invenio_files_rest.models import ObjectVersion
from support.live import gunicorn_serving

from cap.modules.files.cli import files as files_cli
from cap.modules.files.orphans import OrphanFilesService

MIB = 1024 * 1024


@pytest.fixture(scope="module")
def draft(cms_draft):
    owner, item = cms_draft("killed-upload@cern.ch", "Uploads")
    return owner, item.data["_bucket"]


@pytest.fixture(scope="module")
def server(app, draft, port):
    with gunicorn_serving(app, port, workers=1, worker_class="gthread", threads=2,
                          timeout=120) as url:
        yield url


def files_on(root):
    return {os.path.join(path, name) for path, _, names in os.walk(root) for name in names}


def put(port, token, path, body, length=None):
    """A raw PUT (``length`` may promise more than ``body``); the open socket."""
    head = (f"PUT {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Authorization: Bearer {token}\r\n"
            f"Content-Length: {len(body) if length is None else length}\r\n\r\n")
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(head.encode() + body)
    return sock


def worker_pids(arbiter_port):
    """The gunicorn worker processes (children of the process listening on the port)."""
    listening = subprocess.run(["fuser", f"{arbiter_port}/tcp"], capture_output=True, text=True)
    pids = {int(pid) for pid in listening.stdout.split()}
    children = subprocess.run(["pgrep", "-P", ",".join(map(str, pids))],
                              capture_output=True, text=True)
    return {int(pid) for pid in children.stdout.split()} & pids


def test_a_killed_upload_leaves_no_object_and_its_bytes_are_cleaned(
        app, server, draft, port, location):
    owner, bucket = draft
    sock = put(port, owner.token, f"/files/{bucket}/kept.bin", b"k" * 1000)
    assert b" 200 " in sock.recv(4096).split(b"\r\n")[0]
    sock.close()
    kept = files_on(location.uri)

    # More than one upload chunk sent (so some is on disk), less than promised.
    sock = put(port, owner.token, f"/files/{bucket}/killed.bin", os.urandom(12 * MIB),
               length=40 * MIB)
    deadline = time.monotonic() + 30
    while not ((partial := files_on(location.uri) - kept)
               and all(os.path.getsize(path) for path in partial)):
        assert time.monotonic() < deadline, "the upload wrote nothing"
        time.sleep(0.1)
    for pid in worker_pids(port):
        os.kill(pid, signal.SIGKILL)
    try:  # the connection died with the worker: closed, or reset by the kernel
        died = sock.recv(4096) == b""
    except ConnectionResetError:
        died = True
    assert died
    sock.close()

    assert ObjectVersion.get(bucket, "killed.bin") is None
    (orphan_path,) = partial
    assert os.path.exists(orphan_path)  # the bytes written so far

    service = OrphanFilesService()
    assert service.remove(system_identity, grace_seconds=3600) == []  # too young
    result = app.test_cli_runner().invoke(files_cli, ["remove-orphans", "--grace", "0",
                                                      "--dry-run"])
    assert result.exit_code == 0, result.output
    assert orphan_path in result.output and "would be removed" in result.output
    assert os.path.exists(orphan_path)
    (orphan,) = service.remove(system_identity, grace_seconds=0)
    assert orphan.path == orphan_path and orphan.size > 0
    assert files_on(location.uri) == kept
    assert not os.path.exists(os.path.dirname(orphan_path))  # its empty folder too

    # gunicorn started a new worker: uploads work again; the kept file is intact.
    body = os.urandom(MIB)
    for _ in range(100):
        try:
            sock = put(port, owner.token, f"/files/{bucket}/after.bin", body)
            break
        except ConnectionRefusedError:
            time.sleep(0.1)
    answer = sock.recv(65536)
    sock.close()
    assert b" 200 " in answer.split(b"\r\n")[0]
    assert hashlib.md5(body).hexdigest().encode() in answer
    (kept_path,) = kept
    with open(kept_path, "rb") as stored:
        assert stored.read() == b"k" * 1000


def test_the_clean_up_is_for_superusers(create_user):
    from cap.modules.core.errors import PermissionDeniedError

    user = create_user("not-admin@cern.ch")
    with pytest.raises(PermissionDeniedError):
        OrphanFilesService().remove(user.identity, grace_seconds=0)
