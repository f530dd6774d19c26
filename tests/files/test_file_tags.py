"""``PUT /file-tags/<bucket_id>/<key>``: changing the tags of an uploaded file."""

import json

import pytest
from invenio_files_rest.models import ObjectVersion
from test_permissions import DRAFT_MATRIX, RECORD_MATRIX


def put_tags(client, user, bucket_id, key, body):
    headers = {"Content-Type": "application/json"}
    if user is not None:
        headers["Authorization"] = f"Bearer {user.token}"
    return client.put(f"/file-tags/{bucket_id}/{key}", data=json.dumps(body), headers=headers)


def head_tags(bucket_id, key):
    return ObjectVersion.get(bucket_id, key).get_tags()


def test_tags_are_replaced_as_a_whole(client, users, bucket_id, draft_file, upload):
    upload(bucket_id, "tagged.txt", user=users.owner,
           **{"X-CAP-File-Tags": "type=ntuple;year=2016"})
    answer = put_tags(client, users.owner, bucket_id, "tagged.txt",
                      {"tags": {"type": "histogram", " stage ": " final "}})
    assert answer.status_code == 200, answer.json
    assert answer.json["key"] == "tagged.txt"
    assert answer.json["tags"] == {"type": "histogram", "stage": "final"}
    assert head_tags(bucket_id, "tagged.txt") == {"type": "histogram", "stage": "final"}
    listed = client.get(f"/files/{bucket_id}",
                        headers={"Authorization": f"Bearer {users.owner.token}"})
    entry = next(c for c in listed.json["contents"] if c["key"] == "tagged.txt")
    assert entry["tags"] == {"type": "histogram", "stage": "final"}
    cleared = put_tags(client, users.owner, bucket_id, "tagged.txt", {"tags": {}})
    assert cleared.status_code == 200 and head_tags(bucket_id, "tagged.txt") == {}


def test_bad_tags_are_named_and_nothing_changes(client, users, bucket_id, draft_file):
    put_tags(client, users.owner, bucket_id, draft_file, {"tags": {"kept": "yes"}})
    answer = put_tags(client, users.owner, bucket_id, draft_file,
                      {"tags": {"fine": "ok", "empty": "", "long": "x" * 300}})
    assert answer.status_code == 400
    fields = {tuple(e["field"]): e["message"] for e in answer.json["errors"]}
    assert set(fields) == {("tags", "empty"), ("tags", "long")}
    assert "at most 255" in fields[("tags", "long")]
    assert head_tags(bucket_id, draft_file) == {"kept": "yes"}
    for body in ({"tags": "a=b"}, {"nothing": 1}, ["a"]):
        answer = put_tags(client, users.owner, bucket_id, draft_file, body)
        assert answer.status_code == 400, body
        assert answer.json["errors"][0]["field"] == ["tags"]
    missing = put_tags(client, users.owner, bucket_id, "no/such.txt", {"tags": {"a": "b"}})
    assert missing.status_code == 404 and missing.json["errors"][0]["field"] == ["key"]
    unknown = put_tags(client, users.owner, "not-a-uuid", draft_file, {"tags": {}})
    assert unknown.status_code == 404


# Who may change tags: who may upload (the matrix's third column).
@pytest.mark.parametrize("role", DRAFT_MATRIX, ids=str)
def test_draft_tag_rights(client, users, bucket_id, draft_file, role):
    user = getattr(users, role) if role else None
    answer = put_tags(client, user, bucket_id, draft_file, {"tags": {"by": str(role)}})
    assert answer.status_code == DRAFT_MATRIX[role][2]
    if answer.status_code >= 400:
        assert answer.json["status"] == answer.status_code
    assert head_tags(bucket_id, draft_file) == ({"by": role} if answer.status_code == 200 else {})


@pytest.mark.parametrize("role", RECORD_MATRIX, ids=str)
def test_published_tags_are_frozen(client, users, published, role):
    user = getattr(users, role) if role else None
    answer = put_tags(client, user, published.bucket_id, "data/result.txt", {"tags": {"a": "b"}})
    assert answer.status_code == RECORD_MATRIX[role][2]
    if answer.status_code == 403:
        assert "publish" in answer.json["message"].lower() or "edit" in answer.json["message"]
