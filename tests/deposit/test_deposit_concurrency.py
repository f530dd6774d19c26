"""Parallel writes of one draft over real HTTP: the loser gets 412 or 409, never 500.

CAP is served by werkzeug in a thread (one thread per request), on this
module's database and indexes; each pair of requests leaves together from
two client threads. Requests name the configured host (``SERVER_NAME``) so
the app routes them whatever port it is served on.
"""

import json
import threading

import pytest
import requests
from support.live import free_port, serving

PAIRS = 5
TIMEOUT = 120  # two cores shared by parallel test runs: be patient


@pytest.fixture(scope="module")
def live(app, database, location, schemas):
    """Base URL of the served app, and the headers of ``user`` for it."""
    with serving(app, free_port()) as url:
        host = app.config["SERVER_NAME"]

        def headers(user, **extra):
            return {**user.headers, "Host": host, **extra}

        yield url, headers


def together(*calls):
    """Run the calls at the same moment in threads; their answers in order."""
    barrier = threading.Barrier(len(calls))
    answers = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        answers[index] = call()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return answers


def new_draft(live, user, body):
    url, headers = live
    answer = requests.post(f"{url}/deposits/", headers=headers(user), data=json.dumps(body),
                           timeout=TIMEOUT)
    assert answer.status_code == 201, answer.text
    return answer.json()


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_same_if_match_one_wins_the_other_412(live, users, method):
    base, headers = live
    owner = users.owner
    for _ in range(PAIRS):
        draft = new_draft(live, owner, {"$ana_type": "generic", "title": "start"})
        url, etag = f"{base}/deposits/{draft['id']}", f'W/"{draft["revision"]}"'

        def write(title, url=url, etag=etag):
            if method == "PUT":
                sent = headers(owner, **{"If-Match": etag})
                body = {"title": title}
            else:
                sent = headers(owner, **{"If-Match": etag,
                                         "Content-Type": "application/json-patch+json"})
                body = [{"op": "replace", "path": "/title", "value": title}]
            return requests.request(method, url, headers=sent, data=json.dumps(body),
                                    timeout=TIMEOUT)

        first, second = together(lambda: write("first"), lambda: write("second"))
        assert sorted([first.status_code, second.status_code]) == [200, 412], (
            first.text, second.text)
        loser = first if first.status_code == 412 else second
        assert loser.json()["status"] == 412 and "revision" in loser.json()["message"]
        winner = first if loser is second else second
        stored = requests.get(url, headers=headers(owner), timeout=TIMEOUT).json()
        assert stored["metadata"]["title"] == winner.json()["metadata"]["title"]


def test_parallel_publishes_one_202_one_409(live, users, complete):
    base, headers = live
    owner = users.owner
    for _ in range(PAIRS):
        draft = new_draft(live, owner, {"$ana_type": "generic", **complete})
        url = f"{base}/deposits/{draft['id']}/actions/publish"

        def publish(url=url):
            return requests.post(url, headers=headers(owner), timeout=TIMEOUT)

        answers = together(publish, publish)
        assert sorted(a.status_code for a in answers) == [202, 409], [a.text for a in answers]
        conflict = next(a for a in answers if a.status_code == 409)
        assert "already published" in conflict.json()["message"]


def test_parallel_shares_all_apply(live, users):
    base, headers = live
    owner = users.owner
    for _ in range(PAIRS):
        draft = new_draft(live, owner, {"$ana_type": "generic", "title": "shared"})
        url = f"{base}/deposits/{draft['id']}/actions/permissions"

        def share(email, url=url):
            body = [{"email": email, "type": "user", "op": "add", "action": "deposit-read"}]
            return requests.post(url, headers=headers(owner), data=json.dumps(body),
                                 timeout=TIMEOUT)

        answers = together(lambda: share(users.colleague.email),
                           lambda: share(users.stranger.email))
        assert [a.status_code for a in answers] == [201, 201], [a.text for a in answers]
        access = requests.get(f"{base}/deposits/{draft['id']}", timeout=TIMEOUT, headers=headers(
            owner, Accept="application/permissions+json"))
        assert access.status_code == 200
        readers = set(access.json()["permissions"]["read"]["users"])
        assert {users.colleague.email, users.stranger.email} <= readers
