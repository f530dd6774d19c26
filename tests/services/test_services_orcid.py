"""ORCID look-ups against the fake ORCID API: mapping, errors, cache, login."""

import time

import pytest


def get(client, user, url):
    return client.get(url, headers=user.headers if hasattr(user, "headers") else {})


def test_search_maps_people_and_skips_malformed(client, users, orcid_server):
    answer = get(client, users.owner, "/services/orcid?name=Maria")
    assert answer.status_code == 200
    people = answer.json
    assert [p["id"] for p in people] == ["0000-0003-1415-9269", "0000-0002-9079-593X"]
    rossi = people[0]
    assert rossi == {
        "id": "0000-0003-1415-9269",
        "name": "Maria Rossi",
        "given_names": "Maria",
        "family_name": "Rossi",
        "affiliations": ["INFN Sezione di Pisa", "CERN"],
        "emails": [],
        "url": "https://orcid.org/0000-0003-1415-9269",
    }
    # The upstream answer did hold the malformed items; they were skipped.
    assert any("expanded-search" in call for call in orcid_server.calls)


def test_search_prefers_the_credit_name(client, users):
    people = get(client, users.owner, "/services/orcid?name=josiah%20carb").json
    assert [(p["id"], p["name"]) for p in people] == [
        ("0000-0002-1825-0097", "Josiah S. Carberry")
    ]
    assert people[0]["affiliations"] == ["Brown University", "Wesleyan University"]


def test_search_without_hits_is_an_empty_list(client, users):
    answer = get(client, users.owner, "/services/orcid?name=Zyxwvut")
    assert answer.status_code == 200
    assert answer.json == []


def test_search_needs_two_characters(client, users):
    answer = get(client, users.owner, "/services/orcid?name=a")
    assert answer.status_code == 400
    assert answer.json["errors"][0]["field"] == ["name"]


def test_search_escapes_query_syntax(client, users, orcid_server):
    get(client, users.owner, "/services/orcid?name=Becker:(x)")
    query = orcid_server.calls[-1]
    assert "Becker%5C%3A%5C%28x%5C%29" in query or "Becker\\:\\(x\\)" in query


def test_person_by_id(client, users):
    answer = get(client, users.owner, "/services/orcid/0000-0001-5109-3700")
    assert answer.status_code == 200
    assert answer.json == {
        "id": "0000-0001-5109-3700",
        "name": "Jonas Becker",
        "given_names": "Jonas",
        "family_name": "Becker",
        "other_names": [],
        "emails": ["jonas.becker@kit.edu"],
        "url": "https://orcid.org/0000-0001-5109-3700",
    }


def test_person_by_url_form(client, users):
    answer = get(client, users.owner, "/services/orcid/https://orcid.org/0000-0002-1825-0097")
    assert answer.status_code == 200
    assert answer.json["name"] == "Josiah S. Carberry"
    assert answer.json["other_names"] == ["J. Carberry"]


@pytest.mark.parametrize("orcid", ["0000-0002-1825-0098", "1234", "0000-0002-1825-009Y"])
def test_invalid_id_is_400(client, users, orcid_server, orcid):
    answer = get(client, users.owner, f"/services/orcid/{orcid}")
    assert answer.status_code == 400
    assert answer.json["errors"][0]["field"] == ["id"]
    assert orcid_server.calls == []  # refused before asking ORCID


def test_unknown_id_is_404(client, users):
    # A valid checksum that the fake does not know.
    answer = get(client, users.owner, "/services/orcid/0000-0001-2345-6789")
    assert answer.status_code == 404
    assert answer.json["status"] == 404


def test_answers_are_cached(client, users, orcid_server):
    first = get(client, users.owner, "/services/orcid?name=Rossini")
    calls = len(orcid_server.calls)
    second = get(client, users.colleague, "/services/orcid?name=rossini")
    assert first.json == second.json
    assert len(orcid_server.calls) == calls == 1


def test_flaky_upstream_is_retried(client, users, orcid_server):
    orcid_server.mode = "flaky"
    answer = get(client, users.owner, "/services/orcid?name=Jonas")
    assert answer.status_code == 200
    assert [p["id"] for p in answer.json] == ["0000-0001-5109-3700"]
    assert len(orcid_server.calls) == 2


def test_down_upstream_is_502_and_not_cached(client, users, orcid_server):
    orcid_server.mode = "down"
    answer = get(client, users.owner, "/services/orcid?name=Carberry")
    assert answer.status_code == 502
    assert "orcid" in answer.json["message"]
    assert len(orcid_server.calls) == 3  # one try and two retries
    orcid_server.reset()
    assert get(client, users.owner, "/services/orcid?name=Carberry").status_code == 200


def test_slow_upstream_is_504_within_the_timeout(app, client, users, orcid_server):
    orcid_server.mode = "slow"
    started = time.monotonic()
    answer = get(client, users.owner, "/services/orcid?name=Slowpoke")
    elapsed = time.monotonic() - started
    assert answer.status_code == 504
    assert elapsed < app.config["CAP_ORCID_TIMEOUT"] + 0.5


def test_trickling_upstream_is_504_within_the_timeout(app, client, users, orcid_server):
    orcid_server.mode = "trickle"
    started = time.monotonic()
    answer = get(client, users.owner, "/services/orcid/0000-0003-1415-9269")
    elapsed = time.monotonic() - started
    assert answer.status_code == 504
    assert elapsed < app.config["CAP_ORCID_TIMEOUT"] + 0.5


def test_not_json_is_502(client, users, orcid_server):
    orcid_server.mode = "garbage"
    answer = get(client, users.owner, "/services/orcid?name=Garbage")
    assert answer.status_code == 502
    assert answer.json["status"] == 502


def test_login_required(client, users, orcid_server):
    assert client.get("/services/orcid?name=Maria").status_code == 401
    assert client.get("/services/orcid/0000-0003-1415-9269").status_code == 401
    assert orcid_server.calls == []
    # Any logged-in user may look people up, CMS member or not.
    assert get(client, users.stranger, "/services/orcid?name=Maria").status_code == 200


def test_search_refuses_very_long_names(client, users, orcid_server):
    answer = get(client, users.owner, "/services/orcid?name=" + "a" * 201)
    assert answer.status_code == 400
    assert answer.json["errors"] == [{"field": ["name"], "message": "Give at most 200 characters."}]
    assert orcid_server.calls == []
