"""Uploads: tags, key checks, size limits, interrupted bodies."""

import io
import os

import pytest
from invenio_files_rest.models import Bucket, ObjectVersion
from support.storage import on_every_backend
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request


def keys(bucket_id, versions=False):
    return sorted(o.key for o in ObjectVersion.get_by_bucket(bucket_id, versions=versions))


@on_every_backend
def test_tags_header_is_stored_on_the_new_version(client, users, bucket_id, upload):
    answer = upload(
        bucket_id,
        "code/fit.py",
        b"print(1)",
        users.owner,
        **{"X-CAP-File-Tags": "type=code; lang=python;"},
    )
    assert answer.status_code == 200
    assert answer.json["tags"] == {"type": "code", "lang": "python"}
    version = ObjectVersion.get(bucket_id, "code/fit.py")
    assert version.get_tags() == {"type": "code", "lang": "python"}
    # A new version carries only its own tags.
    upload(bucket_id, "code/fit.py", b"print(2)", users.owner, **{"X-CAP-File-Tags": "v=2"})
    assert ObjectVersion.get(bucket_id, "code/fit.py").get_tags() == {"v": "2"}


@pytest.mark.parametrize(
    "header",
    ["novalue", "=v", "k=", "k=v;k=w", "k=" + "v" * 256, "a=1;;b"],
)
def test_malformed_tags_header_is_400_naming_it(users, bucket_id, upload, header):
    answer = upload(bucket_id, "a.txt", b"a", users.owner, **{"X-CAP-File-Tags": header})
    assert answer.status_code == 400, header
    assert "X-CAP-File-Tags" in answer.json["message"]
    assert answer.json["errors"][0]["field"] == ["X-CAP-File-Tags"]
    assert keys(bucket_id) == []


BAD_KEYS = {
    "dotdot": "a/../b.txt",
    "dotdot-encoded": "a/%2E%2E/b.txt",
    "dot": "./b.txt",
    "absolute": "/etc/passwd",
    "absolute-encoded": "%2Fetc/passwd",
    "empty-segment": "a//b.txt",
    "nul": "a%00b.txt",
    "control": "a%01b.txt",
    "newline": "a%0Ab.txt",
    "delete": "a%7Fb.txt",
    "too-long": "k" * 256,
}


@pytest.mark.parametrize("key", BAD_KEYS.values(), ids=BAD_KEYS.keys())
def test_bad_keys_are_400_naming_key(client, users, bucket_id, key, auth):
    answer = client.put(f"/files/{bucket_id}/{key}", data=b"x", headers=auth(users.owner))
    assert answer.status_code == 400
    assert answer.json["status"] == 400
    assert answer.json["errors"][0]["field"] == ["key"]
    multipart = client.post(
        f"/files/{bucket_id}/{key}?uploads&size=10&partSize=10", headers=auth(users.owner)
    )
    assert multipart.status_code == 400
    assert keys(bucket_id, versions=True) == []


def test_reasonable_keys_are_accepted(users, bucket_id, upload):
    for key in ["a.txt", "dir/sub/file.root", "with space.txt", "ünïcode.txt", "k" * 255, "..a"]:
        assert upload(bucket_id, key, b"x", users.owner).status_code == 200, key


@on_every_backend
def test_empty_files_are_accepted(client, users, bucket_id, upload, auth):
    answer = client.put(
        f"/files/{bucket_id}/__init__.py",
        headers=auth(users.owner),
        environ_overrides={"CONTENT_LENGTH": "0"},
    )
    assert answer.status_code == 200
    assert answer.json["size"] == 0


def test_upload_without_content_length_is_400_naming_it(client, users, bucket_id, auth):
    """A chunked body (no Content-Length) is refused with a clear message."""
    environ = EnvironBuilder(
        path=f"/files/{bucket_id}/a.txt",
        method="PUT",
        data=b"abc",
        headers=auth(users.owner),
        base_url="http://127.0.0.1:5000",
    ).get_environ()
    del environ["CONTENT_LENGTH"]
    answer = client.open(Request(environ))
    assert answer.status_code == 400
    assert answer.json["errors"][0]["field"] == ["Content-Length"]


def test_content_length_above_the_bucket_limit_is_413_up_front(
    db, client, users, draft, bucket_id, auth
):
    draft.bucket.max_file_size = 100
    db.session.commit()
    answer = client.put(
        f"/files/{bucket_id}/big.bin",
        input_stream=io.BytesIO(b"x" * 101),
        headers=auth(users.owner, **{"Content-Length": "101"}),
    )
    assert answer.status_code == 413
    assert answer.json["errors"][0]["field"] == ["size"]
    assert "100" in answer.json["message"]
    assert keys(bucket_id) == []
    assert (
        client.put(
            f"/files/{bucket_id}/ok.bin", data=b"x" * 100, headers=auth(users.owner)
        ).status_code
        == 200
    )


def test_multipart_above_the_bucket_limit_is_413(db, client, users, draft, bucket_id, auth):
    draft.bucket.max_file_size = 100
    db.session.commit()
    answer = client.post(
        f"/files/{bucket_id}/big.bin?uploads&size=101&partSize=101", headers=auth(users.owner)
    )
    assert answer.status_code == 413
    assert answer.json["errors"][0]["field"] == ["size"]


def test_quota_is_413_too(db, client, users, draft, bucket_id, upload):
    draft.bucket.quota_size = 10
    db.session.commit()
    assert upload(bucket_id, "a.bin", b"x" * 8, users.owner).status_code == 200
    answer = upload(bucket_id, "b.bin", b"x" * 8, users.owner)
    assert answer.status_code == 413
    assert "quota" in answer.json["message"]


def test_new_buckets_get_the_configured_limit(app, db, location):
    assert app.config["FILES_REST_DEFAULT_MAX_FILE_SIZE"] == app.config["CAP_FILES_MAX_FILE_SIZE"]
    assert app.config["CAP_FILES_MAX_FILE_SIZE"] == 50 * 1024**3
    bucket = Bucket.create()
    db.session.commit()
    assert bucket.max_file_size == 50 * 1024**3


@on_every_backend
def test_body_shorter_than_content_length_stores_nothing(client, users, bucket_id, auth):
    answer = client.put(
        f"/files/{bucket_id}/cut.bin",
        input_stream=io.BytesIO(b"x" * 300),
        headers=auth(users.owner),
        environ_overrides={"CONTENT_LENGTH": "1000"},
    )
    assert answer.status_code == 400
    assert "interrupted" in answer.json["message"]
    assert ObjectVersion.get(bucket_id, "cut.bin") is None
    assert keys(bucket_id, versions=True) == []


def stored_files(root):
    return {os.path.join(path, name) for path, _, names in os.walk(root) for name in names}


class ResetStream(io.BytesIO):
    """A request body whose connection resets after a few bytes."""

    def read(self, size=-1):
        if self.tell() >= 3:
            raise ConnectionResetError("connection reset by peer")
        return super().read(1)

    def readinto(self, buffer):
        chunk = self.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def readline(self, size=-1):
        return self.read(size)


def test_aborted_stream_stores_nothing(app, client, users, bucket_id, location, auth):
    """werkzeug turns a socket error while reading the body into ClientDisconnected."""
    before = stored_files(location.uri)
    answer = client.put(
        f"/files/{bucket_id}/aborted.bin",
        headers=auth(users.owner),
        environ_overrides={"wsgi.input": ResetStream(b"x" * 10), "CONTENT_LENGTH": "10"},
    )
    assert answer.status_code == 400
    assert "interrupted" in answer.json["message"]
    assert ObjectVersion.get(bucket_id, "aborted.bin") is None
    assert keys(bucket_id, versions=True) == []
    # The partial bytes are removed from storage as well.
    assert stored_files(location.uri) == before


@on_every_backend
@pytest.mark.parametrize("body", [b"served by gunicorn", b""])
def test_upload_works_when_the_server_terminates_the_input(client, users, bucket_id, body, auth):
    """gunicorn sets ``wsgi.input_terminated`` and hands werkzeug its raw body object."""
    answer = client.put(
        f"/files/{bucket_id}/g.txt",
        data=body,
        headers=auth(users.owner),
        environ_overrides={"wsgi.input_terminated": True, "CONTENT_LENGTH": str(len(body))},
    )
    assert answer.status_code == 200, answer.json
    assert answer.json["size"] == len(body)


def test_short_body_when_the_server_terminates_the_input(client, users, bucket_id, auth):
    answer = client.put(
        f"/files/{bucket_id}/cut.bin",
        input_stream=io.BytesIO(b"x" * 300),
        headers=auth(users.owner),
        environ_overrides={"wsgi.input_terminated": True, "CONTENT_LENGTH": "1000"},
    )
    assert answer.status_code == 400
    assert ObjectVersion.get(bucket_id, "cut.bin") is None
