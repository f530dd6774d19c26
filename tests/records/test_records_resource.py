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


def test_a_record_reader_reads_the_schema_it_was_published_with(client, env, example, refresh):
    """Someone a record is shared with, outside the schema's experiment, may read
    the schema version of that record (its page shows the record in its
    words), and no other version; whoever cannot read the record may not."""
    from cap.modules.schemas.api import versions_of

    u = env.users
    data = {"$ana_type": "cms-analysis",
            **{k: v for k, v in example("cms-analysis").items() if k != "cadi_info"}}
    deposit = env.service.create(u.owner.identity, data)
    version = deposit["$schema"].rsplit("-v", 1)[1].removesuffix(".json")
    url = f"/jsonschemas/cms-analysis/{version}"
    env.service.update_permissions(u.owner.identity, deposit.pid, [
        {"email": u.atlas.email, "type": "user", "op": "add", "action": "deposit-read"}])
    # A draft's reader is not a record's reader: the schema stays the experiment's.
    assert client.get(url, headers=h(u.atlas)).status_code == 403
    recid = env.service.publish(u.owner.identity, deposit.pid).recid
    refresh()  # the rule asks the records index, as search does

    record = client.get(f"/records/{recid}", headers=h(u.atlas))
    assert record.status_code == 200
    assert record.json["schema"]["version"] == version
    answer = client.get(f"{url}?resolve=true", headers=h(u.atlas))
    assert answer.status_code == 200
    assert answer.json["deposit_schema"]["properties"]["basic_info"]["title"]
    assert client.get(url, headers=h(u.stranger)).status_code == 403
    others = [s.version for s in versions_of("cms-analysis") if s.version != version]
    assert others and all(
        client.get(f"/jsonschemas/cms-analysis/{other}", headers=h(u.atlas)).status_code == 403
        for other in others
    )
