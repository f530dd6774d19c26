"""Speculative search: an answer sent ahead is used only for the very request
the verified identity makes; anything else goes to the engine as usual."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from invenio_accounts.models import Role
from invenio_accounts.proxies import current_datastore
from invenio_db import db
from invenio_oauth2server.models import Token
from sqlalchemy import text
from urllib3 import HTTPConnectionPool
from urllib3.connection import HTTPConnection

from cap.modules.auth import hints
from cap.modules.records.resources import resource as records_resource
from cap.modules.schemas.api import get_schema
from cap.modules.search import speculation


@pytest.fixture
def outcomes(monkeypatch):
    """What each search did with the answer sent ahead: ``used`` or ``sent again``."""
    seen = []
    answer_for = speculation.PendingSearch.answer_for

    def recording(self, engine_request):
        answer = answer_for(self, engine_request)
        seen.append("used" if answer is not None else "sent again")
        return answer

    monkeypatch.setattr(speculation.PendingSearch, "answer_for", recording)
    return seen


def generic(env, user, title, complete=None):
    metadata = {**(complete or {}), "title": title}
    draft = env.service.create(user.identity, {"$ana_type": "generic", **metadata})
    db.session.commit()
    return draft


def search(client, user, path="/deposits/", **args):
    answer = client.get(path, query_string=args, headers=user.headers)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.json


def comparable(answer):
    return answer["hits"], answer["aggregations"]


@pytest.mark.parametrize("path", ["/deposits/", "/records/"])
def test_answer_sent_ahead_is_the_answer(app, client, env, refresh, outcomes, complete,
                                         path):
    u = env.users
    draft = generic(env, u.owner, "Sent ahead", complete)
    env.service.publish(u.owner.identity, draft.pid)
    db.session.commit()
    refresh()
    first = search(client, u.owner, path, q="ahead")  # the token's first search: no hint yet
    assert outcomes == []
    second = search(client, u.owner, path, q="ahead")
    assert outcomes == ["used"]
    app.config["CAP_SEARCH_SPECULATE"] = False
    try:
        plain = search(client, u.owner, path, q="ahead")
    finally:
        app.config["CAP_SEARCH_SPECULATE"] = True
    assert comparable(second) == comparable(plain) == comparable(first)
    assert second["hits"]["total"] == 1


def test_verified_request_is_sent_again_without_building(client, env, refresh, outcomes,
                                                         monkeypatch):
    """Once a search was verified with a hint, the same search sends the
    request it was verified to need, without building it; other arguments
    are built."""
    u = env.users
    generic(env, u.owner, "Guessed")
    refresh()
    first = [search(client, u.owner, q="guessed") for _ in range(2)]  # a hint, then a guess
    builds = []
    monkeypatch.setattr(speculation, "last_known", _counting(builds, speculation.last_known))
    again = search(client, u.owner, q="guessed")
    assert builds == [] and outcomes[-1] == "used"
    assert comparable(again) == comparable(first[0])
    search(client, u.owner, q="guessed", size=5)
    assert builds == [1] and outcomes[-1] == "used"


def _counting(calls, context):
    def counted():
        calls.append(1)
        return context()

    return counted


def test_remembered_request_of_an_old_role_is_searched_again(client, env, refresh, outcomes):
    """A remembered request is only a guess: with a new role the verified
    request differs, the search is sent again, and the new request is kept."""
    u = env.users
    draft = generic(env, u.owner, "Guessed for support")
    refresh()
    for _ in range(3):
        assert search(client, u.stranger)["hits"]["total"] == 0
    support = Role.query.filter_by(name="analysis-preservation-support@cern.ch").one()
    current_datastore.add_role_to_user(current_datastore.get_user(u.stranger.id), support)
    db.session.commit()
    answers = [search(client, u.stranger) for _ in range(2)]
    assert outcomes[-2:] == ["sent again", "used"]
    assert [[hit["id"] for hit in a["hits"]["hits"]] for a in answers] == [[draft.pid]] * 2


def test_guesses_keep_the_most_recently_verified(app, monkeypatch):
    monkeypatch.setattr(speculation, "MAX_GUESSES", 2)
    monkeypatch.setattr(speculation, "_guesses", type(speculation._guesses)())
    for key in ("a", "b", "a", "c"):
        speculation._keep(speculation._guesses, key, {"index": key})
    assert list(speculation._guesses) == ["a", "c"]


def test_no_guess_sent_for_a_token_without_hint(app, client, env, refresh, create_user,
                                               monkeypatch):
    """A token that failed once lost its hint: its remembered request is not
    sent again."""
    u = env.users
    generic(env, u.owner, "Not guessed")
    refresh()
    revoked = create_user("revoked-guess@cern.ch", roles=["cms-members@cern.ch"])
    for _ in range(3):
        search(client, revoked)
    Token.query.filter_by(user_id=revoked.id).delete()
    db.session.commit()
    assert client.get("/deposits/", headers=revoked.headers).status_code == 401
    sent = []
    monkeypatch.setattr(speculation, "_send", lambda request: sent.append(request))
    assert client.get("/deposits/", headers=revoked.headers).status_code == 401
    assert sent == []


def _users_statements(statements):
    return [s for s in statements if s.startswith("SELECT id, email, profile FROM accounts_user")]


def test_users_named_last_time_are_read_along_with_the_token(client, env, refresh,
                                                             recorded_statements):
    """The users a token's answers named lately are read in its next
    search's token look-up, in that request (a changed email shows at
    once), for the same search or another; a user named for the first time
    is read on its own."""
    u = env.users
    generic(env, u.owner, "Named")
    refresh()
    for _ in range(2):  # a hint, then the request and the users kept
        search(client, u.admin, q="named")
    rename = text("UPDATE accounts_user SET email = :email WHERE id = :id")
    db.session.execute(rename, {"email": "renamed-owner@cern.ch", "id": u.owner.id})
    db.session.commit()
    try:
        for args in ({}, {"size": 5}):
            with recorded_statements() as seen:
                answer = search(client, u.admin, q="named", **args)
            assert _users_statements(seen) == []
            assert [hit["created_by"]["email"] for hit in answer["hits"]["hits"]] == [
                "renamed-owner@cern.ch"]
        generic(env, u.colleague, "Named too")
        refresh()
        with recorded_statements() as seen:
            answer = search(client, u.admin, q="named")
        assert len(_users_statements(seen)) == 1
        assert {hit["created_by"]["email"] for hit in answer["hits"]["hits"]} == {
            "renamed-owner@cern.ch", u.colleague.email}
    finally:
        db.session.execute(rename, {"email": u.owner.email, "id": u.owner.id})
        db.session.commit()


def test_new_role_is_searched_again(client, env, refresh, outcomes):
    """The hint still has the old roles: the filter differs, so the answer
    sent ahead is dropped and the verified identity's search is sent."""
    u = env.users
    draft = generic(env, u.owner, "Only for support")
    refresh()
    for _ in range(2):  # the first search gives the token its hint
        assert search(client, u.stranger)["hits"]["total"] == 0
    assert outcomes[-1] == "used"
    support = Role.query.filter_by(name="analysis-preservation-support@cern.ch").one()
    current_datastore.add_role_to_user(current_datastore.get_user(u.stranger.id), support)
    db.session.commit()
    answer = search(client, u.stranger)
    assert outcomes[-1] == "sent again"
    assert [hit["id"] for hit in answer["hits"]["hits"]] == [draft.pid]


def test_facet_added_by_another_process_is_searched_again(client, env, refresh, outcomes):
    """The schema changed where no event of this process saw it (raw SQL):
    the answer sent ahead was built with the old facets."""
    u = env.users
    generic(env, u.owner, "Faceted")
    refresh()
    schema = get_schema("generic")
    config = json.loads(json.dumps(schema.config))
    for _ in range(2):
        assert "by_title" not in search(client, u.owner)["aggregations"]
    assert outcomes[-1] == "used"
    facets = {**(config.get("facets") or {}), "by_title": "title.raw"}
    change = text("UPDATE cap_schemas SET config = :config, updated = now() WHERE id = :id")
    db.session.execute(change, {"config": json.dumps({**config, "facets": facets}),
                                "id": schema.id})
    db.session.commit()
    try:
        answer = search(client, u.owner)
        assert outcomes[-1] == "sent again"
        assert "by_title" in answer["aggregations"]
    finally:
        db.session.execute(change, {"config": json.dumps(config), "id": schema.id})
        db.session.commit()


def test_bad_query_gets_the_same_400(client, env, refresh, outcomes):
    u = env.users
    generic(env, u.owner, "Something")
    refresh()
    search(client, u.owner)
    answers = [client.get("/deposits/", query_string={"q": "title:("}, headers=u.owner.headers)
               for _ in range(2)]
    assert [a.status_code for a in answers] == [400, 400]
    assert answers[0].json == answers[1].json
    assert answers[0].json["errors"][0]["field"] == ["q"]


def test_failed_token_gets_no_answer_and_loses_its_hint(app, client, env, refresh,
                                                        create_user):
    u = env.users
    generic(env, u.owner, "Not for revoked tokens")
    refresh()
    revoked = create_user("revoked@cern.ch", roles=["cms-members@cern.ch"])
    search(client, revoked)
    with app.test_request_context(headers=revoked.headers):
        assert hints.hinted_identity().id == revoked.id
    Token.query.filter_by(user_id=revoked.id).delete()
    db.session.commit()
    answer = client.get("/deposits/", headers=revoked.headers)
    assert answer.status_code == 401, answer.get_data(as_text=True)
    assert "hits" not in answer.json
    with app.test_request_context(headers=revoked.headers):
        assert hints.hinted_identity() is None


class _FailingEngine(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's naming)
        self.rfile.read(int(self.headers["Content-Length"]))
        if self.path.startswith("/hang-up"):
            self.connection.close()
            return
        body = json.dumps({"error": "boom"}).encode()
        self.send_response(500)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def failing_engine():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FailingEngine)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("index", ["hang-up", "error"])
def test_engine_failure_is_left_to_the_normal_path(failing_engine, index):
    host, port = failing_engine
    connection = HTTPConnection(host, port, timeout=5)
    engine_request = {"index": index, "body": {"query": {"match_all": {}}}}
    connection.request("POST", f"/{index}/_search", body=b"{}",
                       headers={"Content-Type": "application/json"})
    pending = speculation.PendingSearch(engine_request, HTTPConnectionPool(host, port), connection)
    assert pending.answer_for(engine_request) is None
    assert pending.answer_for(engine_request) is None  # read once


def test_other_request_leaves_the_answer_unread(failing_engine):
    host, port = failing_engine
    connection = HTTPConnection(host, port, timeout=5)
    connection.request("POST", "/error/_search", body=b"{}",
                       headers={"Content-Type": "application/json"})
    pending = speculation.PendingSearch({"index": "a", "body": {}}, HTTPConnectionPool(host, port),
                                      connection)
    assert pending.answer_for({"index": "b", "body": {}}) is None
    assert connection.sock is None  # closed, never read


def test_speculation_runs_before_the_token_check(app):
    names = [getattr(f, "__name__", "") for f in app.before_request_funcs[None]]
    assert names.index("_start") < names.index("verify_oauth_token_and_set_current_user")


def test_named_users_kept_most_recent_first(monkeypatch):
    monkeypatch.setattr(records_resource, "MAX_NAMED_USERS", 3)
    notes = {}
    for named in ({3, 1}, {2}, {1}, {4}):
        records_resource.keep_named_users(notes, named)
    assert notes[records_resource.NAMED_USERS] == [4, 1, 2]
