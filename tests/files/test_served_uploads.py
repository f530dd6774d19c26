"""Uploads through a real gunicorn: the body's bytes and nothing more are read,
so the next request on a keep-alive connection is parsed where it starts.

gunicorn runs in a forked process (``support.live.gunicorn_serving``) with
threaded workers, whose connections stay open between requests (sync
workers close after each). Requests are written on raw sockets, so the test
decides what follows a body on the wire.
"""

import hashlib
import json
import os
import socket

import pytest
from invenio_files_rest.models import ObjectVersion
from support.live import free_port, gunicorn_serving, served_config

MIB = 1024 * 1024


@pytest.fixture(scope="module")
def port():
    return free_port()


@pytest.fixture(scope="module")
def app_config(app_config, port):
    """The served app answers for its own address."""
    return served_config(app_config, port)


@pytest.fixture(scope="module")
def server(app, committed_draft, port):
    with gunicorn_serving(app, port, workers=1, worker_class="gthread", threads=2,
                          keepalive=30, timeout=120):
        yield port


def http_request(port, method, path, user, body=b""):
    """The bytes of an HTTP/1.1 request (keep-alive, the default) as ``user``."""
    head = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Authorization: Bearer {user.token}\r\nContent-Length: {len(body)}\r\n\r\n")
    return head.encode() + body


def read_response(stream):
    """``(status, headers, body)`` of the next response on a buffered socket file."""
    status = int(stream.readline().split()[1])
    headers = {}
    while (line := stream.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode().partition(":")
        headers[name.strip().lower()] = value.strip()
    body = stream.read(int(headers.get("content-length", 0)))
    return status, headers, body


def stored_files(root):
    return {os.path.join(path, name) for path, _, names in os.walk(root) for name in names}


def test_two_requests_after_an_upload_on_one_connection(server, committed_draft, users):
    bucket = committed_draft.bucket_id
    body = os.urandom(3 * MIB + 17)  # not a multiple of any buffer size
    with socket.create_connection(("127.0.0.1", server)) as sock, sock.makefile("rb") as stream:
        sock.sendall(http_request(server, "PUT", f"/files/{bucket}/kept.bin", users.owner, body))
        status, headers, answer = read_response(stream)
        assert status == 200, answer
        assert headers.get("connection", "").lower() != "close"
        assert json.loads(answer)["checksum"] == f"md5:{hashlib.md5(body).hexdigest()}"
        for _ in range(2):
            sock.sendall(http_request(server, "GET", f"/files/{bucket}/kept.bin", users.owner))
            status, _, data = read_response(stream)
            assert status == 200
            assert hashlib.md5(data).digest() == hashlib.md5(body).digest()


def test_a_request_sent_right_behind_a_body_is_parsed_where_it_starts(
    server, committed_draft, users
):
    bucket = committed_draft.bucket_id
    body = os.urandom(2 * MIB + 4321)
    put = http_request(server, "PUT", f"/files/{bucket}/pipelined.bin", users.owner, body)
    get = http_request(server, "GET", f"/files/{bucket}/pipelined.bin", users.owner)
    with socket.create_connection(("127.0.0.1", server)) as sock, sock.makefile("rb") as stream:
        sock.sendall(put + get)  # one write: the GET's bytes follow the body's last byte
        status, _, answer = read_response(stream)
        assert status == 200, answer
        assert json.loads(answer)["size"] == len(body)
        # gthread looks at a kept connection again only when its socket turns
        # readable, even if the next request is in its buffer already: one
        # more request wakes it, and the GET must be what it parses first.
        sock.sendall(http_request(server, "GET", "/ping", users.owner))
        status, _, data = read_response(stream)
        assert status == 200
        assert data == body


def test_a_body_cut_short_leaves_no_file(server, committed_draft, users, location):
    bucket = committed_draft.bucket_id
    before = stored_files(location.uri)
    head = http_request(server, "PUT", f"/files/{bucket}/cut.bin", users.owner)
    head = head.replace(b"Content-Length: 0", f"Content-Length: {2 * MIB}".encode())
    with socket.create_connection(("127.0.0.1", server)) as sock, sock.makefile("rb") as stream:
        sock.sendall(head + os.urandom(MIB))
        sock.shutdown(socket.SHUT_WR)  # the client is gone half-way
        status, _, answer = read_response(stream)
        assert stream.read() == b""  # the server closed: the request is over
    assert status == 400
    assert "interrupted" in json.loads(answer)["message"]
    assert ObjectVersion.get(bucket, "cut.bin") is None
    assert stored_files(location.uri) == before
    # The worker serves the next upload as usual.
    body = os.urandom(MIB)
    with socket.create_connection(("127.0.0.1", server)) as sock, sock.makefile("rb") as stream:
        sock.sendall(http_request(server, "PUT", f"/files/{bucket}/after.bin", users.owner, body))
        assert read_response(stream)[0] == 200
