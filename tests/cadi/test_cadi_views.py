"""GET /cms/cadi/<id>: autofill for CMS members; 502/504 when CADI misbehaves."""

import time

import pytest


@pytest.fixture()
def cms_member(users):
    return users.owner


def test_member_gets_cadi_info(client, fake_cadi, cms_member):
    answer = client.get("/cms/cadi/EXO-19-012", headers=cms_member.headers)
    assert answer.status_code == 200
    body = answer.json
    assert body["name"].startswith("Search for long-lived particles")
    assert body["status"] == "PUB" and body["awg"] == "EXO"
    assert body["twiki"] == "https://twiki.cern.ch/twiki/bin/view/CMS/EXO19012"
    assert body["created"] == "2019-05-02T09:00:00"


@pytest.mark.parametrize(
    "who, status", [("atlas", 403), ("stranger", 403), ("anonymous", 401)]
)
def test_non_members_are_refused(client, fake_cadi, users, who, status):
    user = getattr(users, who)
    headers = getattr(user, "headers", {})
    answer = client.get("/cms/cadi/EXO-19-012", headers=headers)
    assert answer.status_code == status
    assert not [r for r in fake_cadi.requests if r[0] == "GET"]


def test_unknown_and_invalid_ids(client, fake_cadi, cms_member):
    answer = client.get("/cms/cadi/EXO-99-999", headers=cms_member.headers)
    assert answer.status_code == 404 and "EXO-99-999" in answer.json["message"]
    answer = client.get("/cms/cadi/not-an-id", headers=cms_member.headers)
    assert answer.status_code == 400
    assert answer.json["errors"][0]["field"] == ["cadi_id"]


def test_down_is_502(client, fake_cadi, cms_member):
    fake_cadi.mode = "down"
    answer = client.get("/cms/cadi/EXO-19-012", headers=cms_member.headers)
    assert answer.status_code == 502
    assert answer.json["status"] == 502 and answer.json["message"]


def test_slow_is_504_within_the_timeout(client, fake_cadi, cms_member):
    assert client.get("/cms/cadi/EXO-19-012", headers=cms_member.headers).status_code == 200
    fake_cadi.mode, fake_cadi.delay = "slow", 3
    started = time.monotonic()
    answer = client.get("/cms/cadi/EXO-19-012", headers=cms_member.headers)
    assert answer.status_code == 504
    assert time.monotonic() - started < 2  # CAP_CADI_TIMEOUT=1 in these tests


def test_malformed_upstream_item_is_502(client, fake_cadi, cms_member):
    item = next(a for a in fake_cadi.analyses if a.get("code") == "EXO-19-012")
    item["creationDate"] = "someday"
    answer = client.get("/cms/cadi/EXO-19-012", headers=cms_member.headers)
    assert answer.status_code == 502 and "creationDate" in answer.json["message"]


def test_outcomes_reach_the_services_status(app, client, fake_cadi, cms_member):
    status = app.extensions["cap-services"].status
    status.clear()
    fake_cadi.mode = "down"
    client.get("/cms/cadi/EXO-19-012", headers=cms_member.headers)
    state = status.read()["cadi"]
    assert state["last_failure"] and "503" in state["last_failure"]["message"]
    assert state["last_success"] is None
    fake_cadi.mode = "ok"
    client.get("/cms/cadi/EXO-19-012", headers=cms_member.headers)
    assert status.read()["cadi"]["last_success"]


def test_suggestions_and_look_ups_come_from_the_synced_copy_first(env, client, fake_cadi):
    from cap.modules.cms.cadi.sync import sync_from_cadi

    member = env.users.owner
    sync_from_cadi()
    fake_cadi.requests.clear()
    fake_cadi.mode = "down"  # answered without CADI
    answer = client.get("/cms/cadi?query=exo-19", headers=member.headers)
    assert answer.status_code == 200
    ids = [hit["cadi_id"] for hit in answer.json["hits"]]
    assert ids and ids == sorted(ids) and all(i.startswith("EXO-19-") for i in ids)
    assert "EXO-19-012" in ids
    hit = next(h for h in answer.json["hits"] if h["cadi_id"] == "EXO-19-012")
    assert hit["name"].startswith("Search for long-lived particles")
    known = client.get("/cms/cadi/EXO-19-012", headers=member.headers)
    assert known.status_code == 200 and known.json["name"] == hit["name"]
    assert not fake_cadi.requests
    # An id we do not have goes to CADI (down here: 502).
    assert client.get("/cms/cadi/EXO-99-998", headers=member.headers).status_code == 502
    assert client.get("/cms/cadi?query=E", headers=member.headers).json == {"hits": []}
    # Nothing but [A-Z0-9-] starts an id: no hits, and the database is not asked
    # (scripts/fuzz: a NUL in the query was a 500 from PostgreSQL).
    for odd in ("EXO%00", "EXO-19-01%25", "EXO_19"):
        answer = client.get(f"/cms/cadi?query={odd}", headers=member.headers)
        assert answer.status_code == 200 and answer.json == {"hits": []}, odd
    assert client.get("/cms/cadi?query=EXO&size=x", headers=member.headers).status_code == 400
    for size in ("0", "21", "-1", ""):
        answer = client.get(f"/cms/cadi?query=EXO&size={size}", headers=member.headers)
        assert answer.status_code == 400
        assert answer.json["errors"][0]["field"] == ["size"]
    assert client.get("/cms/cadi?query=EXO", headers=env.users.atlas.headers).status_code == 403
