"""``/api/ping`` reports the real state of every service."""

from cap.modules.core.health import check_component


def test_ping_reports_every_component_up(app, client):
    response = client.get("/ping")
    assert response.status_code == 200
    assert response.json == {
        "status": "up",
        "components": {"db": "up", "search": "up", "cache": "up", "broker": "up"},
    }


def test_ping_answers_503_naming_the_component_that_is_down(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "CACHE_REDIS_URL", "redis://127.0.0.1:1/0")
    response = client.get("/ping")
    assert response.status_code == 503
    assert response.json["status"] == "down"
    assert response.json["components"]["cache"] == "down"
    assert response.json["components"]["db"] == "up"


def test_search_check_names_the_engine_version(app):
    is_up, detail = check_component("search")
    assert is_up
    assert "opensearch 2." in detail
    assert str(app.config["SEARCH_HOSTS"][0]["port"]) in detail


def test_unknown_api_route_answers_json_404(app, client):
    response = client.get("/no-such-endpoint")
    assert response.status_code == 404
    assert response.json["status"] == 404
    assert response.json["message"]
