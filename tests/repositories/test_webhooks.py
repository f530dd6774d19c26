"""Webhooks: subscribing drafts, signed deliveries on ``POST /repos/event``, disconnecting."""

import gzip
import json

import requests
from test_attach import REPO, stored

from cap.modules.repositories.models import GitDelivery, GitSnapshot, GitWebhook

FITS = "https://gitlab.cern.ch/cms-hig/hzz4l-fits"
MAIN_KEY = "repositories/github.com/cms-hig/hzz4l-analysis/main.tar.gz"


def repositories(client, user, pid):
    answer = client.get(f"/deposits/{pid}", headers={
        **user.headers, "Accept": "application/repositories+json"})
    assert answer.status_code == 200, answer.json
    return answer.json


def deliver(client, headers, body):
    return client.post("/repos/event", headers=headers, data=body)


def only_hook(fake, name):
    (hook_id,) = fake.find(name).hooks
    return hook_id


def snapshot_count():
    from invenio_db import db

    db.session.expire_all()
    return GitSnapshot.query.count()


def test_a_signed_push_snapshots_the_new_commit(upload, draft, github, client, env, app):
    owner = env.users.owner
    answer = upload(draft.pid, {"url": REPO, "webhook": True, "event_type": "push"},
                    accept="application/repositories+json")
    assert answer.status_code == 201, answer.json
    hook_id = only_hook(github, "cms-hig/hzz4l-analysis")
    hook = github.find("cms-hig/hzz4l-analysis").hooks[hook_id]
    assert hook["events"] == ["push"]
    assert hook["config"]["url"] == app.config["SITE_API_URL"] + "/repos/event"
    assert len(hook["secret"]) == 64
    # cap-client's `repositories get`: the hooks, each with its snapshots.
    (webhook,) = repositories(client, owner, draft.pid)["webhooks"]
    assert {k: webhook[k] for k in ("host", "owner", "name", "branch", "event_type", "status")} \
        == {"host": "github.com", "owner": "cms-hig", "name": "hzz4l-analysis",
            "branch": "main", "event_type": "push", "status": "active"}
    assert [s["status"] for s in webhook["snapshots"]] == ["done"]

    sha = github.find("cms-hig/hzz4l-analysis").push("main", {"README.md": b"v2\n"})
    headers, body = github.delivery(hook_id, "push", branch="main")
    answer = deliver(client, headers, body)
    assert answer.status_code == 202, answer.json
    assert answer.json["snapshots"] == 1
    _, tags = stored(draft, MAIN_KEY)
    assert tags["commit"] == sha
    (webhook,) = repositories(client, owner, draft.pid)["webhooks"]
    assert [(s["event"], s["sha"], s["status"]) for s in webhook["snapshots"]][-1] == \
        ("push", sha, "done")

    # The same delivery again (hosts redeliver): nothing new.
    before = snapshot_count()
    answer = deliver(client, headers, body)
    assert answer.status_code == 200
    assert answer.json["snapshots"] == 0
    assert snapshot_count() == before

    # A push of another branch is not this hook's.
    github.find("cms-hig/hzz4l-analysis").push("dev", {"README.md": b"dev\n"})
    answer = deliver(client, *github.delivery(hook_id, "push", branch="dev"))
    assert answer.status_code == 200 and answer.json["snapshots"] == 0
    # A ping (sent when a hook is made) is answered.
    assert deliver(client, *github.delivery(hook_id, "ping")).json["message"] == "pong"


def test_forged_and_unsigned_deliveries_get_401_and_change_nothing(upload, draft, github,
                                                                  gitlab, client):
    assert upload(draft.pid, {"url": REPO, "webhook": True,
                              "event_type": "push"}).status_code == 201
    hook_id = only_hook(github, "cms-hig/hzz4l-analysis")
    github.find("cms-hig/hzz4l-analysis").push("main", {"README.md": b"forged\n"})
    before, deliveries = snapshot_count(), GitDelivery.query.count()
    headers, body = github.delivery(hook_id, "push", secret="not-the-secret")
    answer = deliver(client, headers, body)
    assert answer.status_code == 401
    assert answer.json["message"] == "The delivery's signature does not verify."
    # The right signature of another body.
    good_headers, good_body = github.delivery(hook_id, "push")
    tampered = json.loads(good_body)
    tampered["after"] = "f" * 40
    assert deliver(client, good_headers, json.dumps(tampered).encode()).status_code == 401
    unsigned = {k: v for k, v in good_headers.items() if k != "X-Hub-Signature-256"}
    assert deliver(client, unsigned, good_body).status_code == 401
    no_event = {k: v for k, v in good_headers.items() if k != "X-GitHub-Event"}
    assert deliver(client, no_event, good_body).status_code == 401
    assert deliver(client, good_headers, b"not json").status_code == 401
    assert snapshot_count() == before
    assert GitDelivery.query.count() == deliveries


def test_gitlab_tag_pushes_snapshot_every_subscribed_draft(upload, draft, env, complete,
                                                           gitlab, client):
    owner = env.users.owner
    other = env.service.create(owner.identity, {"$ana_type": "generic", **complete})
    for pid in (draft.pid, other.pid):
        answer = upload(pid, {"url": FITS, "webhook": True, "event_type": "release"})
        assert answer.status_code == 201, answer.json
    hook_id = only_hook(gitlab, "cms-hig/hzz4l-fits")  # one hook for both drafts
    hook = gitlab.find("cms-hig/hzz4l-fits").hooks[hook_id]
    assert hook["tag_push_events"] and not hook["push_events"]
    repository = gitlab.find("cms-hig/hzz4l-fits")
    repository.push("main", {"fits/limits.json": b"{\"mu\": 1.02}"})
    sha = repository.tag("v2.0.0")

    answer = deliver(client, *gitlab.delivery(hook_id, "tag_push", tag="v2.0.0",
                                              secret="wrong-token"))
    assert answer.status_code == 401

    answer = deliver(client, *gitlab.delivery(hook_id, "tag_push", tag="v2.0.0"))
    assert answer.status_code == 202 and answer.json["snapshots"] == 2
    for deposit in (draft, other):
        _, tags = stored(deposit, "repositories/gitlab.cern.ch/cms-hig/hzz4l-fits/v2.0.0.tar.gz")
        assert tags["commit"] == sha and tags["type"] == "repository"


def test_a_published_subscriber_waits_for_its_next_draft(upload, env, complete, github, client):
    from cap.modules.repositories.tasks import attach_waiting_snapshots

    owner = env.users.owner
    deposit = env.service.create(owner.identity, {"$ana_type": "generic", **complete})
    assert upload(deposit.pid, {"url": REPO, "webhook": True,
                                "event_type": "push"}).status_code == 201
    env.service.publish(owner.identity, deposit.pid)
    hook_id = only_hook(github, "cms-hig/hzz4l-analysis")
    github.find("cms-hig/hzz4l-analysis").push("main", {"README.md": b"after publish\n"})
    first = stored(deposit, MAIN_KEY)
    assert deliver(client, *github.delivery(hook_id, "push")).status_code == 202
    assert stored(deposit, MAIN_KEY) == first  # the record's files are not written
    (webhook,) = repositories(client, owner, deposit.pid)["webhooks"]
    assert webhook["snapshots"][-1]["status"] == "waiting"
    assert attach_waiting_snapshots.apply().get() == 0  # still published
    env.service.edit(owner.identity, deposit.pid)
    assert attach_waiting_snapshots.apply().get() == 1
    _, tags = stored(deposit, MAIN_KEY)
    assert tags["commit"] == github.find("cms-hig/hzz4l-analysis").branches["main"]
    (webhook,) = repositories(client, owner, deposit.pid)["webhooks"]
    assert webhook["snapshots"][-1]["status"] == "done"


def test_disconnect_removes_the_hook_at_the_host(upload, draft, github, client, env):
    owner = env.users.owner
    assert upload(draft.pid, {"url": REPO, "webhook": True,
                              "event_type": "push"}).status_code == 201
    hook_id = only_hook(github, "cms-hig/hzz4l-analysis")
    url = f"/deposits/{draft.pid}/actions/disconnect_webhook"
    body = json.dumps({"url": REPO, "event_type": "push"})
    assert client.post(url, headers=env.users.colleague.headers, data=body).status_code == 403
    answer = client.post(url, headers=owner.headers, data=body)
    assert answer.status_code == 200, answer.json
    assert answer.json["webhooks"] == []
    assert github.find("cms-hig/hzz4l-analysis").hooks == {}
    assert answer.json["snapshots"][0]["status"] == "done"  # what was attached stays
    # Deliveries of the removed hook verify against nothing any more.
    github.find("cms-hig/hzz4l-analysis").hooks[hook_id] = {"secret": "x", "config": {}}
    assert deliver(client, *github.delivery(hook_id, "push")).status_code == 401
    assert client.post(url, headers=owner.headers, data=body).status_code == 404


def test_scheduled_check_marks_dead_hooks(upload, draft, github, gitlab):
    from cap.modules.repositories.tasks import check_webhooks

    assert upload(draft.pid, {"url": REPO, "webhook": True,
                              "event_type": "release"}).status_code == 201
    assert upload(draft.pid, {"url": FITS, "webhook": True,
                              "event_type": "push"}).status_code == 201
    assert check_webhooks.apply().get() == 0
    github.find("cms-hig/hzz4l-analysis").hooks.clear()  # removed by a maintainer
    assert check_webhooks.apply().get() == 1
    states = {w.host: w.status for w in GitWebhook.query.all()}
    assert states == {"github.com": "dead", "gitlab.cern.ch": "active"}


def test_webhooks_need_credentials_at_the_host(upload, draft, github, app):
    hosts = app.config["CAP_REPOSITORIES_HOSTS"]
    token = hosts["github.com"]["token"]
    hosts["github.com"]["token"] = None
    before = snapshot_count()
    try:
        answer = upload(draft.pid, {"url": REPO, "webhook": True, "event_type": "push"})
    finally:
        hosts["github.com"]["token"] = token
    assert answer.status_code == 400
    assert answer.json["errors"][0]["field"] == ["webhook"]
    assert github.find("cms-hig/hzz4l-analysis").hooks == {}
    assert snapshot_count() == before  # nothing half-written


def test_legacy_web_ui_body_names_the_event_in_webhook(upload, draft, github):
    answer = upload(draft.pid, {"url": REPO, "webhook": "release"})
    assert answer.status_code == 201, answer.json
    (webhook,) = answer.json["webhooks"]
    assert webhook["event_type"] == "release" and webhook["branch"] is None
    (hook,) = github.find("cms-hig/hzz4l-analysis").hooks.values()
    assert hook["events"] == ["release"]
    assert upload(draft.pid, {"url": REPO, "webhook": "merge"}).status_code == 400


def test_a_signed_github_release_snapshots_the_tag(upload, draft, github, client, env):
    answer = upload(draft.pid, {"url": REPO, "webhook": True, "event_type": "release"})
    assert answer.status_code == 201, answer.json
    hook_id = only_hook(github, "cms-hig/hzz4l-analysis")
    repository = github.find("cms-hig/hzz4l-analysis")
    repository.push("main", {"analysis/fit.py": b"WORKSPACE = 'v2.json'\n"})
    sha = repository.tag("v2.0.0")
    # A push is not this hook's event.
    answer = deliver(client, *github.delivery(hook_id, "push", branch="main"))
    assert answer.status_code == 200 and answer.json["snapshots"] == 0

    answer = deliver(client, *github.delivery(hook_id, "release", tag="v2.0.0"))
    assert answer.status_code == 202, answer.json
    assert answer.json["snapshots"] == 1
    data, tags = stored(draft, "repositories/github.com/cms-hig/hzz4l-analysis/v2.0.0.tar.gz")
    assert (tags["commit"], tags["ref"], tags["type"]) == (sha, "v2.0.0", "repository")
    assert b"v2.json" in gzip.decompress(data)  # the tag's tree, not the first commit's
    (webhook,) = repositories(client, env.users.owner, draft.pid)["webhooks"]
    assert webhook["branch"] is None
    assert [(s["event"], s["ref"], s["sha"], s["status"]) for s in webhook["snapshots"]][-1] \
        == ("release", "v2.0.0", sha, "done")
    # Forged: 401, nothing new.
    before = snapshot_count()
    answer = deliver(client, *github.delivery(hook_id, "release", tag="v2.0.0",
                                              secret="not-the-secret"))
    assert answer.status_code == 401
    assert snapshot_count() == before


def test_a_gitlab_push_of_the_followed_branch_snapshots_it(upload, draft, gitlab, client, env):
    answer = upload(draft.pid, {"url": f"{FITS}/-/tree/main", "webhook": True,
                                "event_type": "push"})
    assert answer.status_code == 201, answer.json
    hook_id = only_hook(gitlab, "cms-hig/hzz4l-fits")
    hook = gitlab.find("cms-hig/hzz4l-fits").hooks[hook_id]
    assert hook["push_events"] and not hook["tag_push_events"]
    assert hook["push_events_branch_filter"] == "main"
    project = gitlab.find("cms-hig/hzz4l-fits")
    sha = project.push("main", {"fits/limits.json": b"{\"mu\": 0.98}"})

    answer = deliver(client, *gitlab.delivery(hook_id, "push", branch="main"))
    assert answer.status_code == 202, answer.json
    assert answer.json["snapshots"] == 1
    data, tags = stored(draft, "repositories/gitlab.cern.ch/cms-hig/hzz4l-fits/main.tar.gz")
    assert (tags["commit"], tags["ref"]) == (sha, "main")
    assert b"\"mu\": 0.98" in gzip.decompress(data)
    (webhook,) = repositories(client, env.users.owner, draft.pid)["webhooks"]
    assert (webhook["event_type"], webhook["branch"]) == ("push", "main")
    assert [(s["event"], s["sha"], s["status"]) for s in webhook["snapshots"]][-1] == \
        ("push", sha, "done")

    # Another branch, a wrong token, the same delivery again: nothing new.
    before = snapshot_count()
    project.push("dev", {"README.md": b"dev\n"})
    answer = deliver(client, *gitlab.delivery(hook_id, "push", branch="dev"))
    assert answer.status_code == 200 and answer.json["snapshots"] == 0
    headers, body = gitlab.delivery(hook_id, "push", branch="main", secret="wrong-token")
    assert deliver(client, headers, body).status_code == 401
    headers, body = gitlab.delivery(hook_id, "push", branch="main")
    assert deliver(client, headers, body).status_code == 202
    assert deliver(client, headers, body).json["snapshots"] == 0
    assert snapshot_count() == before + 1


def test_the_fakes_demo_push_trigger(upload, draft, github, gitlab, client):
    """``POST /_fake/push`` (what a demo user runs against ``./scripts/run``'s fakes):
    a new commit, a tag when asked, and the delivery left to the caller here
    (``deliver: false``; the UI test has the fake deliver to a live server)."""
    assert upload(draft.pid, {"url": REPO, "webhook": True,
                              "event_type": "release"}).status_code == 201
    hook_id = only_hook(github, "cms-hig/hzz4l-analysis")
    answer = requests.post(f"{github.url}/_fake/push", timeout=5, json={
        "repository": "cms-hig/hzz4l-analysis", "tag": "v3.0.0", "deliver": False})
    assert answer.status_code == 200
    sha = answer.json()["sha"]
    repository = github.find("cms-hig/hzz4l-analysis")
    assert repository.branches["main"] == repository.tags["v3.0.0"] == sha
    assert repository.commits[sha]["CHANGELOG.md"] == b"Pushed for the demo\n"
    assert answer.json()["deliveries"] == []
    assert deliver(client, *github.delivery(hook_id, "release", tag="v3.0.0")).status_code \
        == 202
    _, tags = stored(draft, "repositories/github.com/cms-hig/hzz4l-analysis/v3.0.0.tar.gz")
    assert tags["commit"] == sha
    # GitLab's, under its API base; an unknown repository is a 404.
    answer = requests.post(f"{gitlab.url}/_fake/push", timeout=5, json={
        "repository": "cms-hig/hzz4l-fits", "branch": "dev", "deliver": False})
    assert answer.status_code == 200
    assert gitlab.find("cms-hig/hzz4l-fits").branches["dev"] == answer.json()["sha"]
    assert requests.post(f"{github.url}/_fake/push", timeout=5,
                         json={"repository": "cms-hig/nope"}).status_code == 404
