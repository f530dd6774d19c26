"""GET /suggest: prefix suggestions, filtered by the read policies."""

import pytest

from cap.modules.schemas.api import get_schema, schema_url


def cms(env, user, title, cadi, people=(), keywords=()):
    # v1.1.0: flat analysis_keywords (v2.0.0 files them by category, as legacy CAP did)
    return env.service.create(user.identity, {
        "$schema": schema_url(get_schema("cms-analysis", "1.1.0")),
        "basic_info": {"analysis_title": title, "cadi_id": cadi,
                       "people_info": [{"name": n} for n in people],
                       "analysis_keywords": list(keywords)},
    })


@pytest.fixture
def drafts(env, refresh):
    u = env.users
    made = [
        cms(env, u.owner, "Higgs to tau tau", "HIG-21-004", ["Maria Rossi"], ["di-Higgs", "Tau"]),
        cms(env, u.owner, "Higgs to four leptons", "HIG-21-005", ["Mario Bianchi"], ["di-Higgs"]),
        cms(env, u.owner, "Dark photons", "EXO-21-001", ["Jonas Becker"], ["Dark matter"]),
        # The colleague's own, not shared: never suggested to the owner.
        cms(env, u.colleague, "Higgs secret study", "HIG-21-099", ["Marina Secret"],
            ["di-Higgs", "Secret keyword"]),
    ]
    env.service.create(u.owner.identity, {"$ana_type": "generic", "title": "Higgs recast",
                                          "keywords": ["dilepton"]})
    refresh()
    return made


def suggest(client, user, **args):
    return client.get("/suggest", query_string=args, headers=user.headers)


def values(answer):
    assert answer.status_code == 200, answer.json
    return {s["value"]: s["count"] for s in answer.json["suggestions"]}


def test_cadi_ids_by_prefix_with_counts(client, env, drafts):
    owner = values(suggest(client, env.users.owner, field="cadi_id", q="hig-21"))
    assert owner == {"HIG-21-004": 1, "HIG-21-005": 1}
    colleague = values(suggest(client, env.users.colleague, field="cadi_id", q="HIG"))
    assert colleague == {"HIG-21-099": 1}


def test_keywords_counts_only_readable(client, env, drafts):
    owner = values(suggest(client, env.users.owner, field="keywords", q="di"))
    assert owner == {"di-Higgs": 2, "dilepton": 1}
    assert values(suggest(client, env.users.owner, field="keywords", q="secret")) == {}


def test_titles_and_people_are_prefix_matched(client, env, drafts):
    titles = values(suggest(client, env.users.owner, field="title", q="higgs"))
    assert set(titles) == {"Higgs to tau tau", "Higgs to four leptons", "Higgs recast"}
    only_cms = values(suggest(client, env.users.owner, field="title", q="higgs to",
                              type="cms-analysis"))
    assert set(only_cms) == {"Higgs to tau tau", "Higgs to four leptons"}
    people = values(suggest(client, env.users.owner, field="people", q="mari"))
    assert set(people) == {"Maria Rossi", "Mario Bianchi"}
    assert values(suggest(client, env.users.owner, field="people", q="rossi")) == {
        "Maria Rossi": 1}


def test_published_records_are_suggested_to_the_collaboration(client, env, complete, refresh):
    u = env.users
    deposit = env.service.create(u.owner.identity, {"$ana_type": "generic", **complete})
    env.service.publish(u.owner.identity, deposit.pid)
    refresh()
    title = complete["title"]
    # The record (not the unshared draft) is what the colleague sees.
    assert values(suggest(client, u.colleague, field="title", q=title[:6])) == {title: 1}
    # The owner sees both the draft and the record.
    assert values(suggest(client, u.owner, field="title", q=title[:6])) == {title: 2}


def test_size_limits_the_answer(client, env, drafts):
    answer = values(suggest(client, env.users.owner, field="cadi_id", q="HIG", size=1))
    assert len(answer) == 1


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"q": "hig"}, "field"),
        ({"field": "colour", "q": "x"}, "field"),
        ({"field": "title"}, "q"),
        ({"field": "title", "q": "x" * 101}, "q"),
        ({"field": "title", "q": "x", "type": "no-such-type"}, "type"),
        ({"field": "title", "q": "x", "size": "many"}, "size"),
        ({"field": "title", "q": "x", "size": "500"}, "size"),
        ({"field": "title", "q": "x", "size": ""}, "size"),  # empty is no default
    ],
)
def test_bad_requests_name_the_field(client, env, drafts, args, field):
    answer = suggest(client, env.users.owner, **args)
    assert answer.status_code == 400
    assert answer.json["errors"][0]["field"] == [field]


def test_login_required(client, env):
    answer = client.get("/suggest", query_string={"field": "title", "q": "x"})
    assert answer.status_code == 401
