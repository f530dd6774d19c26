"""Downloads (type, length, ETag, ranges), versions, multipart uploads and file entries."""

import hashlib

import pytest
from invenio_files_rest.models import ObjectVersion
from support.storage import on_every_backend

from cap.modules.files.serializers import bucket_files, file_entry

BODY = bytes(range(256)) * 40  # 10 240 bytes


@pytest.fixture
def stored(users, bucket_id, upload):
    """``data/table.csv`` uploaded by the owner, tagged."""
    answer = upload(
        bucket_id, "data/table.csv", BODY, users.owner, **{"X-CAP-File-Tags": "kind=table"}
    )
    assert answer.status_code == 200
    return answer.json


@on_every_backend
def test_download_headers(client, users, bucket_id, stored, auth):
    answer = client.get(f"/files/{bucket_id}/data/table.csv", headers=auth(users.reader))
    assert answer.status_code == 200
    assert answer.data == BODY
    # The wire type is the browser-safe form of the extension's type (files-rest
    # never lets user uploads render as HTML/JS on our domain); listings and
    # file entries carry the exact type.
    assert answer.mimetype == "text/plain"
    assert stored["mimetype"] == "text/csv"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Content-Length"] == str(len(BODY))
    md5 = hashlib.md5(BODY).hexdigest()
    assert stored["checksum"] == f"md5:{md5}"
    assert answer.headers["ETag"] == f'"md5:{md5}"'
    assert answer.headers["Accept-Ranges"] == "bytes"


@pytest.mark.parametrize(
    ("key", "exact", "served", "disposition"),
    [
        ("plot.png", "image/png", "image/png", "inline"),
        ("notes.txt", "text/plain", "text/plain", "inline"),
        ("notes.json", "application/json", "text/plain", "inline"),
        ("page.html", "text/html", "text/plain", "inline"),
        ("fit.py", "text/x-python", "application/octet-stream", "attachment"),
        ("events.root", "application/octet-stream", "application/octet-stream", "attachment"),
    ],
)
def test_content_type_follows_the_extension(
    client, users, bucket_id, upload, key, exact, served, disposition, auth
):
    uploaded = upload(bucket_id, key, b"content", users.owner)
    assert uploaded.json["mimetype"] == exact
    answer = client.get(f"/files/{bucket_id}/{key}", headers=auth(users.owner))
    assert answer.mimetype == served
    assert answer.headers["Content-Disposition"].startswith(disposition)
    download = client.get(f"/files/{bucket_id}/{key}?download", headers=auth(users.owner))
    assert download.headers["Content-Disposition"].startswith("attachment")


def test_conditional_get_with_the_etag_is_304(client, users, bucket_id, stored, auth):
    headers = auth(users.owner, **{"If-None-Match": f'"{stored["checksum"]}"'})
    answer = client.get(f"/files/{bucket_id}/data/table.csv", headers=headers)
    assert answer.status_code == 304


@on_every_backend
def test_range_request_is_206(client, users, bucket_id, stored, auth):
    headers = auth(users.owner, Range="bytes=100-199")
    answer = client.get(f"/files/{bucket_id}/data/table.csv", headers=headers)
    assert answer.status_code == 206
    assert answer.data == BODY[100:200]
    assert answer.headers["Content-Range"] == f"bytes 100-199/{len(BODY)}"
    assert answer.headers["Content-Length"] == "100"
    tail = client.get(
        f"/files/{bucket_id}/data/table.csv", headers=auth(users.owner, Range="bytes=-10")
    )
    assert tail.status_code == 206
    assert tail.data == BODY[-10:]


@on_every_backend
def test_unsatisfiable_range_is_416(client, users, bucket_id, stored, auth):
    headers = auth(users.owner, Range=f"bytes={len(BODY) + 10}-")
    answer = client.get(f"/files/{bucket_id}/data/table.csv", headers=headers)
    assert answer.status_code == 416


@on_every_backend
def test_versions_list_and_download(client, users, bucket_id, stored, upload, auth):
    first = stored["version_id"]
    second = upload(bucket_id, "data/table.csv", b"v2", users.editor).json["version_id"]
    listing = client.get(f"/files/{bucket_id}?versions", headers=auth(users.reader)).json
    versions = [(o["version_id"], o["is_head"]) for o in listing["contents"]]
    assert (first, False) in versions
    assert (second, True) in versions
    old = client.get(
        f"/files/{bucket_id}/data/table.csv?versionId={first}", headers=auth(users.reader)
    )
    assert old.status_code == 200
    assert old.data == BODY
    head = client.get(f"/files/{bucket_id}/data/table.csv", headers=auth(users.reader))
    assert head.data == b"v2"
    # Plain listing: heads only.
    plain = client.get(f"/files/{bucket_id}", headers=auth(users.reader)).json
    assert [o["version_id"] for o in plain["contents"]] == [second]


@on_every_backend
def test_old_versions_of_a_published_record_stay_readable(client, users, published, auth):
    listing = client.get(f"/files/{published.bucket_id}?versions", headers=auth(users.cms))
    assert listing.status_code == 200
    (entry,) = listing.json["contents"]
    answer = client.get(
        f"/files/{published.bucket_id}/data/result.txt?versionId={entry['version_id']}",
        headers=auth(users.cms),
    )
    assert answer.status_code == 200
    assert answer.data == b"published bytes"


@on_every_backend
def test_delete_keeps_history_and_version_delete_is_permanent(
    client, users, bucket_id, stored, auth
):
    key_url = f"/files/{bucket_id}/data/table.csv"
    assert client.delete(key_url, headers=auth(users.editor)).status_code == 204
    assert client.get(key_url, headers=auth(users.owner)).status_code == 404
    old = client.get(f"{key_url}?versionId={stored['version_id']}", headers=auth(users.owner))
    assert old.status_code == 200
    reader_delete = client.delete(
        f"{key_url}?versionId={stored['version_id']}", headers=auth(users.reader)
    )
    assert reader_delete.status_code == 403
    gone = client.delete(f"{key_url}?versionId={stored['version_id']}", headers=auth(users.owner))
    assert gone.status_code == 204
    old = client.get(f"{key_url}?versionId={stored['version_id']}", headers=auth(users.owner))
    assert old.status_code == 404


@pytest.fixture
def worker_call_semantics():
    """Run eager tasks as a worker does.

    A worker installs celery's stack protection so that tasks with a custom
    ``__call__`` (flask-celeryext's app-context task) keep their request id;
    eager mode does not, and files-rest's merge task reports progress with
    ``update_state``, which needs that id.
    """
    from celery.app import trace

    trace._install_stack_protection()
    yield
    trace.reset_worker_optimizations()


@on_every_backend
def test_multipart_upload(client, users, bucket_id, worker_call_semantics, auth):
    part_size = 5 * 1024 * 1024
    body = b"a" * part_size + b"tail bytes"
    base = f"/files/{bucket_id}/big/events.bin"
    start = client.post(
        f"{base}?uploads&size={len(body)}&partSize={part_size}", headers=auth(users.editor)
    )
    assert start.status_code == 200, start.json
    upload_id = start.json["id"]
    assert start.json["last_part_number"] == 1
    # A reader can neither start nor feed an upload.
    denied = client.put(
        f"{base}?uploadId={upload_id}&partNumber=0",
        data=body[:part_size],
        headers=auth(users.reader),
    )
    assert denied.status_code == 403
    for number, chunk in enumerate((body[:part_size], body[part_size:])):
        part = client.put(
            f"{base}?uploadId={upload_id}&partNumber={number}",
            data=chunk,
            headers=auth(users.editor),
        )
        assert part.status_code == 200, part.json
    parts = client.get(f"{base}?uploadId={upload_id}", headers=auth(users.reader))
    assert [p["part_number"] for p in parts.json["parts"]] == [0, 1]
    # Not visible before completion.
    assert client.get(base, headers=auth(users.owner)).status_code == 404
    done = client.post(f"{base}?uploadId={upload_id}", headers=auth(users.editor))
    assert done.status_code == 200
    answer = client.get(base, headers=auth(users.owner))
    assert answer.status_code == 200
    assert answer.data == body
    head = ObjectVersion.get(bucket_id, "big/events.bin")
    assert head.file.checksum == "md5:" + hashlib.md5(body).hexdigest()


def test_multipart_abort(client, users, bucket_id, auth):
    base = f"/files/{bucket_id}/big/aborted.bin"
    size = 6 * 1024 * 1024
    start = client.post(
        f"{base}?uploads&size={size}&partSize={5 * 1024 * 1024}", headers=auth(users.owner)
    )
    upload_id = start.json["id"]
    assert client.get(f"/files/{bucket_id}?uploads", headers=auth(users.reader)).status_code == 200
    assert (
        client.delete(f"{base}?uploadId={upload_id}", headers=auth(users.reader)).status_code == 403
    )
    assert (
        client.delete(f"{base}?uploadId={upload_id}", headers=auth(users.owner)).status_code == 204
    )
    assert client.get(base, headers=auth(users.owner)).status_code == 404


def test_multipart_to_published_bucket_says_edit_first(client, users, published, auth):
    answer = client.post(
        f"/files/{published.bucket_id}/x.bin?uploads&size=10&partSize=10",
        headers=auth(users.owner),
    )
    assert answer.status_code == 403
    assert "published" in answer.json["message"]


def test_file_entry_shape(app, users, bucket_id, stored):
    head = ObjectVersion.get(bucket_id, "data/table.csv")
    entry = file_entry(head)
    api = app.config["SITE_API_URL"]
    assert entry == {
        "bucket": bucket_id,
        "key": "data/table.csv",
        "size": len(BODY),
        "checksum": stored["checksum"],
        "version_id": stored["version_id"],
        "mimetype": "text/csv",
        "tags": {"kind": "table"},
        "links": {
            "self": f"{api}/files/{bucket_id}/data/table.csv",
            "version": f"{api}/files/{bucket_id}/data/table.csv?versionId={stored['version_id']}",
        },
    }


def test_file_entry_of_an_old_version_links_to_itself(users, bucket_id, stored, upload):
    upload(bucket_id, "data/table.csv", b"v2", users.owner)
    old = ObjectVersion.get(bucket_id, "data/table.csv", version_id=stored["version_id"])
    entry = file_entry(old)
    assert entry["links"]["self"].endswith(f"?versionId={stored['version_id']}")


def test_bucket_files_lists_heads_by_key(users, bucket_id, upload, client, auth):
    for key in ("b.txt", "a.txt", "c/d.txt"):
        upload(bucket_id, key, b"x", users.owner)
    client.delete(f"/files/{bucket_id}/b.txt", headers=auth(users.owner))
    assert [e["key"] for e in bucket_files(bucket_id)] == ["a.txt", "c/d.txt"]


@on_every_backend
def test_downloads_stream_in_chunks_not_lines(
    app, client, users, bucket_id, upload, monkeypatch, auth
):
    """A WSGI server writes each item of the body iterable: chunks, not lines."""
    monkeypatch.setitem(app.config, "CAP_FILES_READ_CHUNK_SIZE", 1000)
    body = b"123456789\n" * 350
    upload(bucket_id, "lines.bin", body, users.owner)
    answer = client.get(f"/files/{bucket_id}/lines.bin", headers=auth(users.owner), buffered=False)
    chunks = list(answer.response)
    answer.close()
    assert [len(chunk) for chunk in chunks] == [1000, 1000, 1000, 500]
    assert b"".join(chunks) == body
    ranged = client.get(
        f"/files/{bucket_id}/lines.bin", headers=auth(users.owner, Range="bytes=995-2004")
    )
    assert ranged.status_code == 206
    assert ranged.data == body[995:2005]
