"""The demo: ``cap setup --demo``'s draft with a snapshot."""

import hashlib

from test_attach import REPO, stored

from cap.modules.deposit.records.api import Deposit
from cap.modules.instance.fixtures import load_demo_users
from cap.modules.repositories.demo import load_demo_snapshot
from cap.modules.repositories.models import GitSnapshot

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
