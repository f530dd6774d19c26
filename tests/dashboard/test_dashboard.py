"""GET /dashboard and GET /collection/<name>[/<version>]."""

import pytest


@pytest.fixture
def content(env, complete, example, refresh):
    u = env.users
    mine = env.service.create(u.owner.identity, {"$ana_type": "generic", "title": "My draft"})
    cms = env.service.create(u.owner.identity, {"$ana_type": "cms-analysis",
                                                "basic_info": {"analysis_title": "My CMS"}})
    shared = env.service.create(u.colleague.identity, {"$ana_type": "generic",
                                                       "title": "Shared with owner"})
    env.service.update_permissions(
        u.colleague.identity, shared.pid,
        [{"email": u.owner.email, "type": "user", "op": "add", "action": "deposit-read"}],
    )
    env.service.create(u.colleague.identity, {"$ana_type": "generic", "title": "Not shared"})
    published = env.service.create(u.owner.identity, {"$ana_type": "generic", **complete})
    published = env.service.publish(u.owner.identity, published.pid)
    atlas = env.service.create(u.atlas.identity, {"$ana_type": "generic", "title": "ATLAS own"})
    metadata = {k: v for k, v in example("cms-analysis").items() if k != "cadi_info"}
    cms_record = env.service.create(u.owner.identity, {"$ana_type": "cms-analysis", **metadata})
    cms_record = env.service.publish(u.owner.identity, cms_record.pid)
    refresh()
    return {"mine": mine, "cms": cms, "shared": shared, "published": published, "atlas": atlas,
            "cms_record": cms_record}


def get(client, user, path, **args):
    return client.get(path, query_string=args, headers=user.headers)


def titles(part):
    return sorted((h["metadata"].get("title") or h["metadata"]["basic_info"]["analysis_title"])
                  for h in part["hits"])


def test_dashboard_of_the_owner(client, env, content, complete):
    answer = get(client, env.users.owner, "/dashboard")
    assert answer.status_code == 200, answer.json
    body = answer.json
    assert titles(body["my_drafts"]) == ["My CMS", "My draft"]
    assert body["my_drafts"]["total"] == 2
    assert titles(body["shared_with_me"]) == ["Shared with owner"]
    assert sorted(h["recid"] for h in body["my_published"]["hits"]) == sorted(
        [content["published"].recid, content["cms_record"].recid])
    # The published CMS draft is not a draft any more: not in my drafts, not counted.
    assert body["counts"] == {"drafts": {"generic": 2, "cms-analysis": 1},
                              "published": {"generic": 1, "cms-analysis": 1}}


def test_dashboard_of_a_colleague_and_an_outsider(client, env, content):
    u = env.users
    colleague = get(client, u.colleague, "/dashboard").json
    assert titles(colleague["my_drafts"]) == ["Not shared", "Shared with owner"]
    assert colleague["shared_with_me"]["total"] == 0
    assert colleague["my_published"]["total"] == 0
    # The owner's CMS record is published to the collaboration the colleague is in
    # (the generic record belongs to no collaboration).
    assert [h["recid"] for h in colleague["collaboration"]["hits"]] == [
        content["cms_record"].recid]
    assert colleague["counts"]["published"] == {"generic": 1, "cms-analysis": 1}
    atlas = get(client, u.atlas, "/dashboard").json
    assert titles(atlas["my_drafts"]) == ["ATLAS own"]
    assert atlas["collaboration"]["total"] == 0
    # Experiment-free records are readable by every user; CMS ones are not.
    assert atlas["counts"] == {"drafts": {"generic": 1}, "published": {"generic": 1}}
    stranger = get(client, u.stranger, "/dashboard").json
    assert all(stranger[k]["total"] == 0 for k in
               ("my_drafts", "shared_with_me", "my_published", "collaboration"))


def test_dashboard_needs_login(client, env):
    assert client.get("/dashboard").status_code == 401


def test_collection(client, env, content):
    u = env.users
    answer = get(client, u.colleague, "/collection/generic")
    assert answer.status_code == 200, answer.json
    assert [h["recid"] for h in answer.json["hits"]["hits"]] == [content["published"].recid]
    assert answer.json["aggregations"]["collection"]["buckets"] == [
        {"key": "generic", "doc_count": 1, "label": "Generic analysis"}]
    assert answer.json["collection"]["name"] == "generic"
    version = env.schemas["generic"].version
    assert get(client, u.colleague, f"/collection/generic/{version}").json["hits"]["total"] == 1
    cms = get(client, u.colleague, "/collection/cms-analysis").json
    assert [h["recid"] for h in cms["hits"]["hits"]] == [content["cms_record"].recid]
    assert cms["aggregations"]["cms_working_group"]["buckets"][0]["doc_count"] == 1
    # Other collaborations do not see CMS records; unknown types and versions are 404.
    assert get(client, u.atlas, "/collection/cms-analysis").json["hits"]["total"] == 0
    assert get(client, u.atlas, "/collection/generic").json["hits"]["total"] == 1
    assert get(client, u.colleague, "/collection/nope").status_code == 404
    assert get(client, u.colleague, "/collection/generic/9.9.9").status_code == 404
    assert client.get("/collection/generic").status_code == 401


def test_dashboard_queries_do_not_grow_with_its_hits(client, env, refresh, add_file,
                                                     recorded_statements):
    """Users and draft files of every part are looked up once for the whole answer."""
    u = env.users

    def draft(creator, title):
        created = env.service.create(creator.identity, {"$ana_type": "generic", "title": title})
        add_file(created, f"{title}.txt", title.encode())
        return created

    def lookups():
        with recorded_statements() as seen:
            answer = get(client, u.owner, "/dashboard")
        assert answer.status_code == 200, answer.json
        files = {h["metadata"]["title"]: [f["key"] for f in h["files"]]
                 for h in answer.json["my_drafts"]["hits"] + answer.json["shared_with_me"]["hits"]}
        return [sum(table in s for s in seen) for table in ("accounts_user", "files_object")], files

    draft(u.owner, "first")
    refresh()
    get(client, u.owner, "/dashboard")  # warm: schema stamp, cached grants
    one, _ = lookups()
    for i in range(3):
        draft(u.owner, f"mine {i}")
    shared = draft(u.colleague, "shared")
    env.service.update_permissions(
        u.colleague.identity, shared.pid,
        [{"email": u.owner.email, "type": "user", "op": "add", "action": "deposit-read"}],
    )
    refresh()
    many, files = lookups()
    assert many == one
    assert files == {title: [f"{title}.txt"] for title in
                     ("first", "mine 0", "mine 1", "mine 2", "shared")}
