"""The revision list names who published each revision; the diff between two."""

import io
import json

from invenio_db import db
from invenio_files_rest.models import ObjectVersion


def h(user, **extra):
    return {**user.headers, **extra}


def two_revisions(client, env, complete):
    """Published by ``owner``, then edited and republished by ``colleague`` (an admin of it)."""
    u, service = env.users, env.service
    deposit = service.create(u.owner.identity, {"$ana_type": "generic", **complete})
    ObjectVersion.create(deposit.bucket, "a.txt", stream=io.BytesIO(b"one"))
    ObjectVersion.create(deposit.bucket, "gone.txt", stream=io.BytesIO(b"old"))
    db.session.commit()
    service.update_permissions(u.owner.identity, deposit.pid, [
        {"email": u.colleague.email, "type": "user", "op": "add", "action": "deposit-admin"}])
    pid = deposit.pid
    assert client.post(f"/deposits/{pid}/actions/publish", headers=h(u.owner)).status_code == 202
    assert client.post(f"/deposits/{pid}/actions/edit", headers=h(u.colleague)).status_code == 201
    changed = {**complete, "title": "Recasting, second look",
               "keywords": complete["keywords"][:1], "notes": "Second look."}
    answer = client.put(f"/deposits/{pid}", headers=h(u.colleague), data=json.dumps(changed))
    assert answer.status_code == 200, answer.json
    deposit = service.read(u.owner.identity, pid)
    ObjectVersion.create(deposit.bucket, "a.txt", stream=io.BytesIO(b"two"))
    ObjectVersion.create(deposit.bucket, "new.txt", stream=io.BytesIO(b"new"))
    ObjectVersion.delete(deposit.bucket, "gone.txt")
    db.session.commit()
    published = client.post(f"/deposits/{pid}/actions/publish", headers=h(u.colleague))
    assert published.status_code == 202, published.json
    return published.json["recid"]


def test_revisions_name_their_author(client, env, complete):
    u = env.users
    recid = two_revisions(client, env, complete)
    revisions = client.get(f"/records/{recid}/revisions", headers=h(u.atlas)).json
    assert [r["revision"] for r in revisions] == [0, 1]
    assert [r["author"]["email"] for r in revisions] == [u.owner.email, u.colleague.email]
    assert revisions[0]["updated"] <= revisions[1]["updated"]


def test_diff_lists_changed_fields_and_files(client, env, complete):
    u = env.users
    recid = two_revisions(client, env, complete)
    answer = client.get(f"/records/{recid}/diff?from=0&to=1", headers=h(u.atlas))
    assert answer.status_code == 200, answer.json
    body = answer.json
    assert (body["from"], body["to"]) == (0, 1)
    assert body["metadata"] == [
        {"field": ["keywords", "1"], "op": "removed", "old": complete["keywords"][1]},
        {"field": ["notes"], "op": "added", "new": "Second look."},
        {"field": ["title"], "op": "changed", "old": complete["title"],
         "new": "Recasting, second look"},
    ]
    files = {change["key"]: change["op"] for change in body["files"]}
    assert files == {"a.txt": "changed", "gone.txt": "removed", "new.txt": "added"}
    back = client.get(f"/records/{recid}/diff?from=1&to=0", headers=h(u.owner)).json
    assert back["metadata"][-1] == {"field": ["title"], "op": "changed",
                                   "old": "Recasting, second look", "new": complete["title"]}
    same = client.get(f"/records/{recid}/diff?from=1&to=1", headers=h(u.owner)).json
    assert same["metadata"] == [] and same["files"] == []


def test_diff_refuses_bad_revisions_by_name(client, env, complete):
    u = env.users
    recid = two_revisions(client, env, complete)
    for query, field in (("from=x&to=1", "from"), ("from=0", "to"), ("from=0&to=-1", "to")):
        answer = client.get(f"/records/{recid}/diff?{query}", headers=h(u.owner))
        assert answer.status_code == 400, (query, answer.json)
        assert answer.json["errors"][0]["field"] == [field]
    assert client.get(f"/records/{recid}/diff?from=0&to=7", headers=h(u.owner)).status_code == 404
    assert client.get(f"/records/{recid}/diff?from=0&to=1").status_code == 401
    assert client.get(f"/records/{recid}/diff?from=0&to=1",
                      headers=h(u.stranger)).status_code == 200  # generic: every user reads
    assert client.get("/records/CAP.NOPE.NOPE/diff?from=0&to=1",
                      headers=h(u.owner)).status_code == 404
