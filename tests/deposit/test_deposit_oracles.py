"""No existence oracles: who may not read a draft cannot tell it from a missing one."""

import json

import pytest

MISSING = "0" * 32


def create(client, user, body):
    return client.post("/deposits/", data=json.dumps(body), headers=user.headers)


def anonymous_headers():
    return {"Content-Type": "application/json", "Accept": "application/json"}


@pytest.fixture
def draft_pid(env, client):
    return create(client, env.users.owner, {"$ana_type": "generic", "title": "t"}).json["id"]


@pytest.fixture
def deleted_pid(env, client):
    pid = create(client, env.users.owner, {"$ana_type": "generic", "title": "t"}).json["id"]
    assert client.delete(f"/deposits/{pid}", headers=env.users.owner.headers).status_code == 204
    return pid


def answers(client, headers, pid):
    """What a caller learns from reading, changing and acting on ``pid``."""
    url = f"/deposits/{pid}"
    return [
        client.get(url, headers=headers),
        client.get(f"{url}/files", headers=headers),
        client.put(url, headers=headers, data=json.dumps({"title": "x"})),
        client.delete(url, headers=headers),
        client.post(f"{url}/actions/publish", headers=headers),
    ]


def same_answers(left, right):
    assert [a.status_code for a in left] == [a.status_code for a in right]
    # The messages may name the draft asked for; nothing else differs.
    for a, b in zip(left, right, strict=True):
        assert set(a.json) == set(b.json) and a.json["status"] == b.json["status"]
    return [a.status_code for a in left]


def test_anonymous_cannot_tell_existing_from_missing(env, client, draft_pid, deleted_pid):
    headers = anonymous_headers()
    existing = answers(client, headers, draft_pid)
    assert same_answers(existing, answers(client, headers, MISSING)) == [401] * 5
    assert same_answers(answers(client, headers, deleted_pid), existing) == [401] * 5
    assert existing[0].json == answers(client, headers, MISSING)[0].json


def test_strangers_cannot_tell_deleted_from_missing(env, client, deleted_pid):
    headers = env.users.stranger.headers
    statuses = same_answers(answers(client, headers, deleted_pid),
                            answers(client, headers, MISSING))
    assert statuses == [404] * 5


def test_former_readers_learn_a_draft_was_deleted(env, client, deleted_pid):
    assert client.get(f"/deposits/{deleted_pid}",
                      headers=env.users.owner.headers).status_code == 410
    assert client.get(f"/deposits/{deleted_pid}",
                      headers=env.users.admin.headers).status_code == 410
