"""A query that would keep the search engine busy is refused before it runs."""

import time

import pytest

FUZZY_50 = " ".join(["abcdefghij~2"] * 50)


@pytest.fixture
def some_drafts(env, refresh):
    for title in ("Dimuon resonances", "Muon efficiencies"):
        env.service.create(env.users.owner.identity, {"$ana_type": "generic", "title": title})
    refresh()


@pytest.mark.parametrize("path", ["/deposits/", "/records/"])
@pytest.mark.parametrize("q, word", [
    (FUZZY_50, "fuzzy"),
    (" ".join(f"mu*on{n}" for n in range(20)), "wildcard"),
    (" OR ".join(f"t{n}" for n in range(100)), "terms"),
    ("x" * 5000, "long"),
], ids=["fuzzy", "wildcard", "terms", "long"])
def test_expensive_queries_are_400_fast(client, env, some_drafts, path, q, word):
    started = time.monotonic()
    answer = client.get(path, query_string={"q": q}, headers=env.users.owner.headers)
    elapsed = time.monotonic() - started
    assert answer.status_code == 400, answer.json
    assert answer.json["errors"][0]["field"] == ["q"]
    assert word in answer.json["message"]
    assert elapsed < 2, elapsed


def test_reasonable_fuzzy_and_wildcard_queries_still_run(client, env, some_drafts):
    for q in ("muon~1", "dimuon~2 resonances", "mu*", "effic?encies"):
        answer = client.get("/deposits/", query_string={"q": q},
                            headers=env.users.owner.headers)
        assert answer.status_code == 200, (q, answer.json)
        assert answer.json["hits"]["total"] >= 1, q


def test_the_search_carries_a_timeout(app, env):
    request = env.service.search_request(env.users.owner.identity, {"q": "muon"})
    assert request["body"]["timeout"] == app.config["CAP_SEARCH_TIMEOUT"]
    query = request["body"]["query"]["bool"]["must"][0]["query_string"]
    assert query["fuzzy_max_expansions"] == app.config["CAP_SEARCH_FUZZY_MAX_EXPANSIONS"]


def test_a_timed_out_answer_is_503(app):
    """The engine stops at the timeout and says so: partial hits are not an answer."""
    from cap.modules.core.errors import SearchTimeoutError
    from cap.modules.records.services.search import check_timed_out

    check_timed_out({"timed_out": False, "hits": {"hits": [], "total": {"value": 0}}})
    with pytest.raises(SearchTimeoutError) as raised:
        check_timed_out({"timed_out": True, "hits": {"hits": [], "total": {"value": 0}}})
    assert "too long" in raised.value.message
