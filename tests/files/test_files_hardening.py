"""Files: bad ranges, checksums and invisible characters answer 4xx JSON."""

import base64
import hashlib

import pytest
from invenio_files_rest.models import ObjectVersion

BODY = b"0123456789" * 100


def test_unsatisfiable_range_is_416_json(client, users, bucket_id, upload, auth):
    assert upload(bucket_id, "data.txt", BODY, users.owner).status_code == 200
    answer = client.get(f"/files/{bucket_id}/data.txt",
                        headers=auth(users.owner, Range="bytes=5000-6000"))
    assert answer.status_code == 416
    assert answer.mimetype == "application/json"
    assert answer.json["status"] == 416 and answer.json["message"]
    ok = client.get(f"/files/{bucket_id}/data.txt", headers=auth(users.owner, Range="bytes=0-9"))
    assert ok.status_code == 206 and ok.data == BODY[:10]


@pytest.mark.parametrize("encode", [
    lambda digest: base64.b64encode(digest).decode(),  # RFC 1864
    lambda digest: digest.hex(),
], ids=["base64", "hex"])
def test_content_md5_is_checked(client, users, bucket_id, upload, encode):
    right = encode(hashlib.md5(BODY).digest())
    wrong = encode(hashlib.md5(b"something else").digest())
    answer = upload(bucket_id, "bad.txt", BODY, users.owner, **{"Content-MD5": wrong})
    assert answer.status_code == 400, answer.json
    assert answer.json["errors"][0]["field"] == ["Content-MD5"]
    assert ObjectVersion.get(bucket_id, "bad.txt") is None
    answer = upload(bucket_id, "good.txt", BODY, users.owner, **{"Content-MD5": right})
    assert answer.status_code == 200, answer.json
    answer = upload(bucket_id, "junk.txt", BODY, users.owner, **{"Content-MD5": "not md5"})
    assert answer.status_code == 400
    assert answer.json["errors"][0]["field"] == ["Content-MD5"]


@pytest.mark.parametrize("key", [
    "evil\u202etxt.exe",  # right-to-left override
    "zero\u200bwidth.txt",  # zero-width space
    "joiner\u200d.txt",
    "bom\ufeff.txt",
    "isolate\u2066x\u2069.txt",
])
def test_keys_with_invisible_or_bidi_characters_are_400(users, bucket_id, upload, key):
    answer = upload(bucket_id, key, BODY, users.owner)
    assert answer.status_code == 400, answer.json
    assert answer.json["errors"][0]["field"] == ["key"]
    assert ObjectVersion.get(bucket_id, key) is None


def test_plain_unicode_keys_still_work(users, bucket_id, upload):
    assert upload(bucket_id, "données/résumé-μ.txt", BODY, users.owner).status_code == 200
