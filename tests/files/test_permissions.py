"""Who may do what on the files of a draft and of a published record, over HTTP.

Anonymous callers get 401; known users who may not read the draft or record
get 404, as for the draft itself (existence must not leak); readers who lack
a write right get 403. Every answer is JSON ``{status, message}``.
"""

import pytest

from cap.modules.files.permissions import files_policy

# role: (list, download, upload, delete)
DRAFT_MATRIX = {
    None: (401, 401, 401, 401),
    "owner": (200, 200, 200, 204),
    "reader": (200, 200, 403, 403),
    "editor": (200, 200, 200, 204),
    "stranger": (404, 404, 404, 404),
    "cms": (404, 404, 404, 404),
    "admin": (200, 200, 200, 204),
}

# Published files are read only for everyone (the bucket is a locked snapshot).
RECORD_MATRIX = {
    None: (401, 401, 401, 401),
    "owner": (200, 200, 403, 403),
    "reader": (200, 200, 403, 403),
    "editor": (200, 200, 403, 403),
    "stranger": (404, 404, 404, 404),
    "cms": (200, 200, 403, 403),
    "admin": (200, 200, 403, 403),
}


def exercise(client, user, bucket_id, key):
    """Status codes of list, download, upload and delete as ``user``."""
    headers = {"Authorization": f"Bearer {user.token}"} if user else {}
    answers = [
        client.get(f"/files/{bucket_id}", headers=headers),
        client.get(f"/files/{bucket_id}/{key}", headers=headers),
        client.put(f"/files/{bucket_id}/new.txt", data=b"new", headers=headers),
        client.delete(f"/files/{bucket_id}/{key}", headers=headers),
    ]
    for answer in answers:
        if answer.status_code >= 400:
            assert answer.json["status"] == answer.status_code
            assert answer.json["message"]
    return tuple(answer.status_code for answer in answers)


@pytest.mark.parametrize("role", DRAFT_MATRIX, ids=str)
def test_draft_files_matrix(client, users, bucket_id, draft_file, role):
    user = getattr(users, role) if role else None
    assert exercise(client, user, bucket_id, draft_file) == DRAFT_MATRIX[role]


@pytest.mark.parametrize("role", RECORD_MATRIX, ids=str)
def test_published_files_matrix(client, users, published, role):
    user = getattr(users, role) if role else None
    assert exercise(client, user, published.bucket_id, "data/result.txt") == RECORD_MATRIX[role]


def test_listing_shows_the_draft_files(client, users, bucket_id, draft_file, auth):
    answer = client.get(f"/files/{bucket_id}", headers=auth(users.reader))
    assert [o["key"] for o in answer.json["contents"]] == [draft_file]


def test_write_to_published_bucket_says_edit_first(client, users, published, auth):
    answer = client.put(f"/files/{published.bucket_id}/x.txt", data=b"x", headers=auth(users.owner))
    assert answer.status_code == 403
    assert "published" in answer.json["message"]
    assert "edit" in answer.json["message"]


def test_write_to_published_draft_bucket_says_edit_first(client, users, published, auth):
    """Publishing locks the deposit bucket too, until ``edit`` unlocks it."""
    bucket_id = str(published.draft.bucket_id)
    answer = client.put(f"/files/{bucket_id}/x.txt", data=b"x", headers=auth(users.owner))
    assert answer.status_code == 403
    assert "published" in answer.json["message"]
    answer = client.delete(f"/files/{bucket_id}/data/result.txt", headers=auth(users.editor))
    assert answer.status_code == 403
    assert "published" in answer.json["message"]


def test_edit_unlocks_the_draft_bucket(db, client, users, published, auth):
    published.draft.bucket.locked = False
    db.session.commit()
    bucket_id = str(published.draft.bucket_id)
    answer = client.put(f"/files/{bucket_id}/x.txt", data=b"x", headers=auth(users.editor))
    assert answer.status_code == 200


def test_bucket_without_record_is_for_superusers_only(client, users, orphan_bucket, auth):
    assert client.get(f"/files/{orphan_bucket}", headers=auth(users.owner)).status_code == 404
    assert client.get(f"/files/{orphan_bucket}").status_code == 401
    put = client.put(f"/files/{orphan_bucket}/a.txt", data=b"a", headers=auth(users.admin))
    assert put.status_code == 200
    assert client.get(f"/files/{orphan_bucket}", headers=auth(users.admin)).status_code == 200


def test_creating_buckets_is_for_superusers_only(client, users, location, auth):
    assert client.post("/files", headers=auth(users.owner)).status_code == 403
    assert client.post("/files").status_code == 401
    assert client.post("/files", headers=auth(users.admin)).status_code == 200


def test_unknown_bucket_is_404_json(client, users, location, auth):
    answer = client.get("/files/00000000-0000-0000-0000-000000000000", headers=auth(users.owner))
    assert answer.status_code == 404
    assert answer.json["status"] == 404
    assert client.get("/files/not-a-uuid/x", headers=auth(users.owner)).status_code == 404


def test_stranger_cannot_probe_keys(client, users, bucket_id, draft_file, auth):
    """Existing and missing keys answer alike to someone without read."""
    headers = auth(users.stranger)
    assert client.get(f"/files/{bucket_id}/{draft_file}", headers=headers).status_code == 404
    assert client.get(f"/files/{bucket_id}/missing.txt", headers=headers).status_code == 404


@pytest.mark.parametrize(
    ("action", "draft_action", "record_action"),
    [
        ("bucket-read", "read", "read"),
        ("bucket-read-versions", "read", "read"),
        ("object-read", "read", "read"),
        ("object-read-version", "read", "read"),
        ("multipart-read", "read", "read"),
        ("bucket-update", "update", None),
        ("object-delete", "update", None),
        ("object-delete-version", "update", None),
        ("multipart-delete", "update", None),
        ("location-update", None, None),
    ],
)
def test_factory_only_translates_actions(published, action, draft_action, record_action):
    """files-rest actions map to the deposit/record policy actions; the rest: superusers."""
    from invenio_files_rest.models import Bucket

    from cap.modules.access.policies import DepositPermissionPolicy, RecordPermissionPolicy

    draft_policy = files_policy(published.draft.bucket, action)
    record_policy = files_policy(Bucket.get(published.bucket_id), action)
    if draft_action:
        assert type(draft_policy) is DepositPermissionPolicy
        assert draft_policy.action == draft_action
    else:
        assert not draft_policy.generators
    if record_action:
        assert type(record_policy) is RecordPermissionPolicy
        assert record_policy.action == record_action
    else:
        assert not record_policy.generators


@pytest.mark.parametrize(("role", "status"), [(None, 401), ("stranger", 404), ("cms", 404)])
def test_missing_and_unreadable_buckets_answer_alike(client, users, bucket_id, draft_file, auth,
                                                     role, status):
    """No existence oracle: the same status and body for a bucket one may not read."""
    user = getattr(users, role) if role else None
    missing = "00000000-0000-0000-0000-000000000000"
    for suffix in ("", f"/{draft_file}", "/missing.txt"):
        existing = client.get(f"/files/{bucket_id}{suffix}", headers=auth(user))
        unknown = client.get(f"/files/{missing}{suffix}", headers=auth(user))
        assert existing.status_code == unknown.status_code == status
        assert existing.json == unknown.json
