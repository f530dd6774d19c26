"""ROR look-ups against the fake ROR API: mapping, errors, cache, login."""

import time

import pytest


def get(client, user, url):
    return client.get(url, headers=user.headers)


def test_search_maps_organisations(client, users):
    answer = get(client, users.owner, "/services/ror?query=CERN")
    assert answer.status_code == 200
    assert answer.json == [
        {
            "id": "01ggx4157",
            "ror": "https://ror.org/01ggx4157",
            "name": "European Organization for Nuclear Research",
            "acronyms": ["CERN"],
            "aliases": ["Conseil Européen pour la Recherche Nucléaire"],
            "country": "Switzerland",
            "country_code": "CH",
            "city": "Geneva",
            "types": ["facility"],
            "status": "active",
            "website": "https://home.cern",
        }
    ]


def test_search_skips_malformed_and_keeps_the_first_rows(app, client, users, ror_server):
    answer = get(client, users.owner, "/services/ror?query=institute%20of%20physics")
    assert answer.status_code == 200
    names = [org["name"] for org in answer.json]
    assert len(names) == app.config["CAP_ROR_ROWS"] == 10
    assert all(name.startswith("Institute of Physics 1") for name in names)
    assert not any("Broken" in name or "Wrong" in name for name in names)


def test_search_needs_two_characters(client, users, ror_server):
    answer = get(client, users.owner, "/services/ror?query=")
    assert answer.status_code == 400
    assert answer.json["errors"] == [
        {"field": ["query"], "message": "Give at least two characters of a name."}
    ]
    assert ror_server.calls == []


def test_organisation_by_id_and_url(client, users):
    by_id = get(client, users.owner, "/services/ror/04t3en479")
    assert by_id.status_code == 200
    assert by_id.json["name"] == "Karlsruhe Institute of Technology"
    assert by_id.json["types"] == ["education", "funder"]
    by_url = get(client, users.owner, "/services/ror/https://ror.org/04t3en479")
    assert by_url.json == by_id.json


def test_invalid_and_unknown_ids(client, users, ror_server):
    bad = get(client, users.owner, "/services/ror/CERN")
    assert bad.status_code == 400
    assert bad.json["errors"][0]["field"] == ["id"]
    assert ror_server.calls == []
    unknown = get(client, users.owner, "/services/ror/00000aa00")
    assert unknown.status_code == 404


def test_answers_are_cached(client, users, ror_server):
    first = get(client, users.owner, "/services/ror?query=brown")
    second = get(client, users.owner, "/services/ror?query=Brown")
    assert first.json == second.json and first.json[0]["id"] == "05gq02987"
    assert len(ror_server.calls) == 1


def test_flaky_then_down_then_slow(app, client, users, ror_server):
    ror_server.mode = "flaky"
    assert get(client, users.owner, "/services/ror?query=pisa").status_code == 200
    assert len(ror_server.calls) == 2
    ror_server.mode = "down"
    answer = get(client, users.owner, "/services/ror?query=karlsruhe")
    assert answer.status_code == 502
    ror_server.mode = "slow"
    started = time.monotonic()
    answer = get(client, users.owner, "/services/ror/05symbg58")
    assert answer.status_code == 504
    assert time.monotonic() - started < app.config["CAP_ROR_TIMEOUT"] + 0.5


def test_upstream_not_running_is_502(app):
    from cap.modules.core.errors import UpstreamUnavailableError
    from cap.modules.services.ror import RORClient

    ror = RORClient("http://127.0.0.1:9/v2", timeout=1, retries=1, backoff=0.01)
    with pytest.raises(UpstreamUnavailableError, match="connection failed"):
        ror.search("nowhere")


def test_garbage_is_502(client, users, ror_server):
    ror_server.mode = "garbage"
    assert get(client, users.owner, "/services/ror?query=garbage").status_code == 502


def test_login_required(client, users, ror_server):
    assert client.get("/services/ror?query=CERN").status_code == 401
    assert client.get("/services/ror/01ggx4157").status_code == 401
    assert ror_server.calls == []


def test_search_refuses_very_long_queries(client, users, ror_server):
    answer = get(client, users.owner, "/services/ror?query=" + "b" * 201)
    assert answer.status_code == 400
    assert answer.json["errors"][0]["field"] == ["query"]
    assert ror_server.calls == []
