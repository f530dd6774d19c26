"""Record grants follow the draft's sharing after publish.

Sharing a published CMS draft with someone outside CMS lets them find and
read the record too; unsharing takes both away again. Draft and record
change in one unit of work and are both reindexed after the commit.
"""

import itertools
import json

import pytest

from cap.modules.core.errors import InvalidRequestError


@pytest.fixture
def api(env, client):
    """The test client (the env fixture sets up schemas, users, location)."""
    return client


CADI_NUMBERS = itertools.count(100)
"""A fresh CADI id for each published analysis of this module."""


def share(api, owner, pid, email, op, action="deposit-read", type_="user"):
    answer = api.post(f"/deposits/{pid}/actions/permissions", headers=owner.headers,
                      data=json.dumps([{"email": email, "type": type_, "op": op,
                                        "action": action}]))
    assert answer.status_code == 201, answer.json
    return answer


def record_hits(api, user, refresh):
    refresh()
    answer = api.get("/records/", headers=user.headers)
    assert answer.status_code == 200
    return [hit["id"] for hit in answer.json["hits"]["hits"]], answer.json["hits"]["total"]


@pytest.fixture
def published(api, env, example):
    """A published cms-analysis of the owner: ``(depid, recid)``."""
    owner = env.users.owner
    metadata = example("cms-analysis")
    metadata.pop("cadi_info", None)  # reserved to the conveners
    # One draft per CADI analysis, and the latest cms-analysis needs one to publish.
    metadata["basic_info"]["cadi_id"] = f"SYN-24-{next(CADI_NUMBERS):03d}"
    deposit = env.service.create(owner.identity, {"$ana_type": "cms-analysis", **metadata})
    deposit = env.service.publish(owner.identity, deposit.pid)
    return deposit.pid, deposit.recid


def test_sharing_a_published_draft_shares_its_record(api, env, published, refresh,
                                                     create_user):
    u = env.users
    depid, recid = published
    for outsider in (u.atlas, u.stranger):
        assert record_hits(api, outsider, refresh) == ([], 0)
        assert api.get(f"/records/{recid}", headers=outsider.headers).status_code == 404
    assert record_hits(api, u.colleague, refresh) == ([recid], 1)  # CMS reads it anyway

    revision = env.records.read(u.owner.identity, recid).revision_id
    share(api, u.owner, depid, u.atlas.email, "add")
    share(api, u.owner, depid, u.stranger.email, "add", action="deposit-admin")
    assert record_hits(api, u.atlas, refresh) == ([recid], 1)
    assert record_hits(api, u.stranger, refresh) == ([recid], 1)
    answer = api.get(f"/records/{recid}", headers=u.atlas.headers)
    assert answer.status_code == 200
    access = answer.json["access"]
    assert [x["email"] for x in access["record-read"]["users"]] == [u.owner.email,
                                                                   u.atlas.email]
    assert [x["email"] for x in access["record-admin"]["users"]] == [u.owner.email,
                                                                    u.stranger.email]
    record = env.records.read(u.owner.identity, recid)
    assert record.revision_id == revision + 2
    # The drafts index follows as well.
    refresh()
    drafts = api.get("/deposits/", headers=u.atlas.headers).json
    assert [hit["id"] for hit in drafts["hits"]["hits"]] == [depid]

    share(api, u.owner, depid, u.atlas.email, "remove")
    share(api, u.owner, depid, u.stranger.email, "remove", action="deposit-admin")
    for outsider in (u.atlas, u.stranger):
        assert record_hits(api, outsider, refresh) == ([], 0)
        assert api.get(f"/records/{recid}", headers=outsider.headers).status_code == 404
    assert record_hits(api, u.colleague, refresh) == ([recid], 1)


def test_egroup_sharing_and_unpublished_drafts(api, env, published, refresh, create_user,
                                               complete):
    u = env.users
    depid, recid = published
    member = create_user("lhcb-friend@cern.ch", roles=["friends-of-cms@cern.ch"])
    assert record_hits(api, member, refresh) == ([], 0)
    share(api, u.owner, depid, "friends-of-cms@cern.ch", "add", type_="egroup")
    assert record_hits(api, member, refresh) == ([recid], 1)
    share(api, u.owner, depid, "friends-of-cms@cern.ch", "remove", type_="egroup")
    assert record_hits(api, member, refresh) == ([], 0)

    # A never-published draft has no record to follow it.
    draft = env.service.create(u.owner.identity, {"$ana_type": "generic", **complete})
    share(api, u.owner, draft.pid, u.atlas.email, "add")
    assert env.service.read(u.atlas.identity, draft.pid).recid is None


def test_sharing_is_one_unit_of_work(env, published, refresh):
    """A refused change leaves draft and record as they were."""
    u = env.users
    depid, recid = published
    before = env.records.read(u.owner.identity, recid).revision_id
    with pytest.raises(InvalidRequestError):
        env.service.update_permissions(u.owner.identity, depid, [
            {"email": u.atlas.email, "type": "user", "op": "add", "action": "deposit-read"},
            {"email": "nobody-at-all@cern.ch", "type": "user", "op": "add",
             "action": "deposit-read"},
        ])
    assert env.records.read(u.owner.identity, recid).revision_id == before
    assert env.service.read(u.owner.identity, depid)["_access"]["deposit-read"]["users"] == [
        u.owner.id]
