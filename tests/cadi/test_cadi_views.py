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
