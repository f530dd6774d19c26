"""``/services/status``: each source's last success and failure, from one Redis hash."""

from datetime import UTC, datetime, timedelta


def test_unknown_before_any_call(app, client, users):
    answer = client.get("/services/status", headers=users.owner.headers)
    assert answer.status_code == 200
    for source in app.config["CAP_SERVICES_STATUS_SOURCES"]:
        assert answer.json[source] == {
            "status": "unknown", "last_success": None, "last_failure": None
        }


def test_clients_record_success_and_failure(client, users, orcid_server):
    assert client.get("/services/orcid?name=Becker", headers=users.owner.headers).status_code == 200
    state = client.get("/services/status", headers=users.owner.headers).json["orcid"]
    assert state["status"] == "ok"
    assert state["last_failure"] is None
    assert datetime.fromisoformat(state["last_success"]["at"]) > datetime.now(UTC) - timedelta(
        minutes=1
    )
    orcid_server.mode = "down"
    assert client.get("/services/orcid?name=Jo", headers=users.owner.headers).status_code == 502
    state = client.get("/services/status", headers=users.owner.headers).json["orcid"]
    assert state["status"] == "failing"
    assert "HTTP 503" in state["last_failure"]["message"]
    assert state["last_success"] is not None  # kept


def test_record_status_from_any_module(app, client, users):
    from cap.modules.services.status import record_status

    record_status("cadi", False, "token refused")
    record_status("cadi", True, "synced 12 analyses")
    record_status("newsource", True, "x" * 2000)
    body = client.get("/services/status", headers=users.owner.headers).json
    assert body["cadi"]["status"] == "ok"
    assert body["cadi"]["last_failure"]["message"] == "token refused"
    assert body["cadi"]["last_success"]["message"] == "synced 12 analyses"
    assert len(body["newsource"]["last_success"]["message"]) == 500


def test_redis_down_does_not_break_a_lookup(app, client, users):
    from cap.modules.services.status import StatusStore

    store = StatusStore("redis://127.0.0.1:9/0", "k")
    store.record("orcid", True, "fine")  # logged, not raised


def test_login_required(client):
    assert client.get("/services/status").status_code == 401
