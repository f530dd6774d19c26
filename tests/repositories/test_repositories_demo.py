"""The demo: ``cap setup --demo``'s draft with a snapshot, and demo git hosts that keep
CAP's hooks across a restart of ``./scripts/run``."""

import hashlib
import json

import requests
from test_attach import REPO, stored
from test_webhooks import MAIN_KEY, deliver, only_hook, repositories

from cap.modules.deposit.records.api import Deposit
from cap.modules.instance.fixtures import load_demo_users
from cap.modules.repositories.demo import load_demo_snapshot
from cap.modules.repositories.models import GitSnapshot
from cap.modules.repositories.proxies import current_repositories_service

TAG_KEY = "repositories/github.com/cms-hig/hzz4l-analysis/v1.0.0.tar.gz"


def test_the_demo_draft_snapshots_the_demo_repository_at_its_tag(env, github, app,
                                                                   experiment_roles,
                                                                   monkeypatch):
    monkeypatch.setitem(app.config, "CAP_REPOSITORIES_DEMO_URL", f"{REPO}/tree/v1.0.0")
    load_demo_users()
    pid, status = load_demo_snapshot()
    assert status == "queued"  # the attach answer; its task ran after the commit
    deposit = Deposit.get_by_pid(pid)
    data, tags = stored(deposit, TAG_KEY)
    assert tags["type"] == "repository" and tags["ref"] == "v1.0.0"
    assert tags["commit"] == github.find("cms-hig/hzz4l-analysis").tags["v1.0.0"]
    assert tags["sha256"] == hashlib.sha256(data).hexdigest()
    # The setup again: the same draft, no second snapshot.
    assert load_demo_snapshot() == (pid, "done")
    assert GitSnapshot.query.filter_by(deposit_id=deposit.id).count() == 1


def test_no_demo_repository_no_demo_snapshot(env, experiment_roles):
    load_demo_users()
    assert load_demo_snapshot() is None  # CAP_REPOSITORIES_DEMO_URL is None by default


def test_a_restarted_demo_host_keeps_the_hooks_cap_made(upload, draft, client, env, app,
                                                       git_hosts, tmp_path, monkeypatch):
    from fakes.git_server import TOKEN, hosts_config, start_github

    state = tmp_path / "github-hooks.json"
    first = start_github(state_file=state)
    monkeypatch.setitem(app.config, "CAP_REPOSITORIES_HOSTS",
                        hosts_config(first, git_hosts[1]))
    try:
        answer = upload(draft.pid, {"url": REPO, "webhook": True, "event_type": "push"})
        assert answer.status_code == 201, answer.json
        hook_id = only_hook(first, "cms-hig/hzz4l-analysis")
        secret = first.find("cms-hig/hzz4l-analysis").hooks[hook_id]["secret"]
    finally:
        first.stop()

    again = start_github(first.server.server_port, state_file=state)
    try:
        assert again.find("cms-hig/hzz4l-analysis").hooks[hook_id]["secret"] == secret
        listed = requests.get(f"{again.url}/repos/cms-hig/hzz4l-analysis/hooks", timeout=5,
                              headers={"Authorization": f"token {TOKEN}"}).json()
        assert [(h["id"], h["events"]) for h in listed] == [(hook_id, ["push"])]
        assert "secret" not in listed[0]  # the API never shows it
        assert current_repositories_service.check_webhooks() == 0  # none dead
        sha = again.find("cms-hig/hzz4l-analysis").push("main", {"README.md": b"v2\n"})
        answer = deliver(client, *again.delivery(hook_id, "push", branch="main"))
        assert answer.status_code == 202, answer.json
        assert stored(draft, MAIN_KEY)[1]["commit"] == sha
        # A new hook gets a new id (CAP knows hooks by theirs), and is kept too.
        answer = upload(draft.pid, {"url": REPO, "webhook": True, "event_type": "release"})
        assert answer.status_code == 201, answer.json
        ids = sorted(again.find("cms-hig/hzz4l-analysis").hooks)
        assert ids[0] == hook_id and ids[1] > hook_id
        assert sorted(h["id"] for h in json.loads(state.read_text())["hooks"][
            "cms-hig/hzz4l-analysis"]) == ids
        # Removed through the API: gone from the file as well.
        url = f"/deposits/{draft.pid}/actions/disconnect_webhook"
        for event_type in ("push", "release"):
            body = json.dumps({"url": REPO, "event_type": event_type})
            assert client.post(url, headers=env.users.owner.headers,
                               data=body).status_code == 200
        assert json.loads(state.read_text()) == {"hooks": {}}
        assert repositories(client, env.users.owner, draft.pid)["webhooks"] == []
    finally:
        again.stop()
