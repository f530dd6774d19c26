"""HTTP: /records, revisions, frozen files, search."""

import io
import json

from invenio_db import db
from invenio_files_rest.models import ObjectVersion


def h(user, **extra):
    return {**user.headers, **extra}


def publish_generic(client, user, metadata, files=()):
    from cap.modules.deposit.proxies import current_deposit_service as service

    deposit = service.create(user.identity, {"$ana_type": "generic", **metadata})
    for key, content in files:
        ObjectVersion.create(deposit.bucket, key, stream=io.BytesIO(content))
    db.session.commit()
    answer = client.post(f"/deposits/{deposit.pid}/actions/publish", headers=h(user))
    assert answer.status_code == 202, answer.json
    return answer.json


def test_record_shape_and_rights(client, env, complete):
    u = env.users
    published = publish_generic(client, u.owner, complete, files=[("a.txt", b"one")])
    recid = published["recid"]
    answer = client.get(f"/records/{recid}", headers=h(u.atlas))
    assert answer.status_code == 200  # experiment-free records: every user reads them
    body = answer.json
    assert body["type"] == "record" and body["id"] == recid and body["recid"] == recid
    assert body["draft_id"] == published["id"]
    assert body["status"] == "published"
    assert body["metadata"] == complete
    assert set(body["access"]) == {"record-read", "record-update", "record-admin"}
    assert set(body["links"]) == {"self", "html", "bucket"}
    assert [f["key"] for f in body["files"]] == ["a.txt"]
    assert body["files"][0]["bucket"] != published["links"]["bucket"].rsplit("/", 1)[1]
    assert answer.headers["ETag"] == 'W/"0"'
    basic = client.get(f"/records/{recid}", headers=h(u.owner, Accept="application/basic+json"))
    assert basic.json["pid"] == recid and basic.json["metadata"] == complete
    assert client.get(f"/records/{recid}").status_code == 401
    assert client.get("/records/CAP.NOPE.NOPE", headers=h(u.owner)).status_code == 404
    png = client.get(f"/records/{recid}", headers=h(u.owner, Accept="image/png"))
    assert png.status_code == 406


def test_revisions_keep_their_files(client, env, complete):
    u = env.users
    first = publish_generic(client, u.owner, complete, files=[("a.txt", b"one")])
    pid, recid = first["id"], first["recid"]
    assert client.post(f"/deposits/{pid}/actions/edit", headers=h(u.owner)).status_code == 201
    client.put(f"/deposits/{pid}", headers=h(u.owner),
               data=json.dumps({**complete, "title": "v2"}))
    from cap.modules.deposit.proxies import current_deposit_service as service

    deposit = service.read(u.owner.identity, pid)
    ObjectVersion.create(deposit.bucket, "a.txt", stream=io.BytesIO(b"two"))
    db.session.commit()
    assert client.post(f"/deposits/{pid}/actions/publish", headers=h(u.owner)).status_code == 202

    revisions = client.get(f"/records/{recid}/revisions", headers=h(u.colleague))
    assert [r["revision"] for r in revisions.json] == [0, 1]
    latest = client.get(f"/records/{recid}", headers=h(u.colleague)).json
    old = client.get(f"/records/{recid}?revision=0", headers=h(u.colleague)).json
    assert latest["metadata"]["title"] == "v2" and old["metadata"]["title"] == complete["title"]
    assert old["revision"] == 0 and latest["revision"] == 1
    old_file, new_file = old["files"][0], latest["files"][0]
    assert old_file["bucket"] != new_file["bucket"]
    assert old_file["checksum"] != new_file["checksum"]
    stored = ObjectVersion.get(old_file["bucket"], "a.txt")
    with stored.file.storage().open() as fp:
        assert fp.read() == b"one"
    assert client.get(f"/records/{recid}?revision=9", headers=h(u.owner)).status_code == 404
    assert client.get(f"/records/{recid}?revision=x", headers=h(u.owner)).status_code == 400


def test_records_search(client, env, complete, refresh):
    u = env.users
    publish_generic(client, u.owner, complete)
    other = publish_generic(client, u.colleague, {**complete, "title": "Other analysis"})
    refresh()
    answer = client.get("/records/", headers=h(u.atlas))
    assert answer.status_code == 200 and answer.json["hits"]["total"] == 2
    hit = answer.json["hits"]["hits"][0]
    assert hit["type"] == "record" and hit["recid"].startswith("CAP.")
    mine = client.get("/records/?by_me=True", headers=h(u.colleague))
    assert mine.json["hits"]["total"] == 1
    found = client.get("/records/", query_string={"q": f'control_number:"{other["recid"]}"'},
                       headers=h(u.owner))
    assert found.json["hits"]["total"] == 1
    assert client.get("/records/?q=(", headers=h(u.owner)).status_code == 400
    assert client.get("/records/").status_code == 401
    # The drafts stay private: published drafts are not shared by publishing.
    drafts = client.get("/deposits/", headers=h(u.atlas))
    assert drafts.json["hits"]["total"] == 0


def test_bad_revision_is_400_naming_it(client, env, complete):
    """``revision=-1`` would index the revision list from its end: the latest."""
    u = env.users
    recid = publish_generic(client, u.owner, complete)["recid"]
    for bad in ("-1", "-2", "x", "1.5"):
        answer = client.get(f"/records/{recid}?revision={bad}", headers=h(u.owner))
        assert answer.status_code == 400, (bad, answer.json)
        assert answer.json["errors"][0]["field"] == ["revision"]
    assert client.get(f"/records/{recid}?revision=0", headers=h(u.owner)).status_code == 200
