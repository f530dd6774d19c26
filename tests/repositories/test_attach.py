"""Attaching repositories to drafts: ``POST /deposits/<pid>/actions/upload``.

The download task runs eagerly (pytest-invenio's Celery settings), after the
request's commit, against the fake hosts.
"""

import io
import tarfile

from invenio_files_rest.models import ObjectVersion, ObjectVersionTag

REPO = "https://github.com/cms-hig/hzz4l-analysis"


def stored(deposit, key):
    """``(bytes, tags)`` of the head version of ``key`` in the draft's bucket (or ``None``)."""
    from invenio_db import db

    db.session.expire_all()
    obj = ObjectVersion.get(deposit.bucket, key)
    if obj is None:
        return None
    with obj.file.storage().open() as fp:
        data = fp.read()
    tags = ObjectVersionTag.query.filter_by(version_id=obj.version_id)
    return data, {tag.key: tag.value for tag in tags}


def members(data):
    """The paths in a tar.gz."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        return sorted(archive.getnames())


def test_a_repository_at_a_tag_is_stored_with_its_commit(upload, draft, github, client, env):
    repository = github.find("cms-hig/hzz4l-analysis")
    sha = repository.tags["v1.0.0"]
    answer = upload(draft.pid, {"url": f"{REPO}/tree/v1.0.0", "webhook": False,
                                "event_type": None})
    assert answer.status_code == 201, answer.json
    key = "repositories/github.com/cms-hig/hzz4l-analysis/v1.0.0.tar.gz"
    data, tags = stored(draft, key)
    prefix = f"cms-hig-hzz4l-analysis-{sha[:7]}"
    assert members(data) == sorted(f"{prefix}/{p}" for p in repository.commits[sha])
    assert tags["type"] == "repository"
    assert tags["commit"] == sha
    assert tags["ref"] == "v1.0.0"
    # The status is on the deposit, in cap-client's format and in the files list.
    repos = client.get(f"/deposits/{draft.pid}", headers={
        **env.users.owner.headers, "Accept": "application/repositories+json"})
    assert repos.status_code == 200
    assert repos.mimetype == "application/repositories+json"
    (snapshot,) = repos.json["snapshots"]
    assert snapshot["status"] == "done"
    assert snapshot["sha"] == sha and snapshot["ref"] == "v1.0.0"
    assert snapshot["size"] == len(data)
    assert snapshot["checksum"].startswith("md5:")
    files = client.get(f"/deposits/{draft.pid}/files", headers=env.users.owner.headers).json
    assert key in {f["key"] for f in files}


def test_default_branch_commit_and_single_file(upload, draft, github):
    repository = github.find("cms-hig/hzz4l-analysis")
    head = repository.push("main", {"analysis/selection.py": b"def select(e):\n    return e\n"})
    assert upload(draft.pid, {"url": REPO}).status_code == 201
    data, tags = stored(draft, "repositories/github.com/cms-hig/hzz4l-analysis/main.tar.gz")
    assert tags["commit"] == head
    first = repository.tags["v1.0.0"]
    assert upload(draft.pid, {"url": f"{REPO}/commit/{first[:10]}"}).status_code == 201
    _, tags = stored(draft, f"repositories/github.com/cms-hig/hzz4l-analysis/{first[:10]}.tar.gz")
    assert tags["commit"] == first
    answer = upload(draft.pid, {"url": f"{REPO}/blob/main/analysis/selection.py"})
    assert answer.status_code == 201
    data, tags = stored(draft, "repositories/github.com/cms-hig/hzz4l-analysis/main/"
                               "analysis/selection.py")
    assert data == b"def select(e):\n    return e\n"
    assert tags["commit"] == head


def test_gitlab_project_at_a_branch(upload, draft, gitlab):
    repository = gitlab.find("cms-hig/hzz4l-fits")
    sha = repository.push("dev", {"fits/limits.json": b"{}"})
    answer = upload(draft.pid, {"url": "https://gitlab.cern.ch/cms-hig/hzz4l-fits/-/tree/dev"})
    assert answer.status_code == 201, answer.json
    data, tags = stored(draft, "repositories/gitlab.cern.ch/cms-hig/hzz4l-fits/dev.tar.gz")
    assert f"hzz4l-fits-{sha}/fits/limits.json" in members(data)
    assert tags["commit"] == sha


def test_over_the_size_limit_fails_and_writes_nothing(upload, draft, github, app, client, env):
    app.config["CAP_REPOSITORIES_MAX_SIZE"] = 100
    try:
        assert upload(draft.pid, {"url": REPO}).status_code == 201
    finally:
        app.config["CAP_REPOSITORIES_MAX_SIZE"] = 1024**3
    assert stored(draft, "repositories/github.com/cms-hig/hzz4l-analysis/main.tar.gz") is None
    (snapshot,) = client.get(f"/deposits/{draft.pid}/repositories",
                             headers=env.users.owner.headers).json["snapshots"]
    assert snapshot["status"] == "failed"
    assert "100 bytes" in snapshot["error"]


def test_a_host_timing_out_answers_504_and_stores_nothing(upload, draft, github):
    github.mode, github.delay = "slow", 3
    answer = upload(draft.pid, {"url": REPO})
    assert answer.status_code == 504
    assert "did not answer within 1 s" in answer.json["message"]
    github.reset()
    assert stored(draft, "repositories/github.com/cms-hig/hzz4l-analysis/main.tar.gz") is None


def test_a_download_timing_out_fails_the_snapshot(upload, draft, github, client, env):
    """The host answers the attach, then stalls on the archive: the task gives up."""
    github.mode, github.delay = "slow downloads", 3
    assert upload(draft.pid, {"url": REPO}).status_code == 201
    (snapshot,) = client.get(f"/deposits/{draft.pid}/repositories",
                             headers=env.users.owner.headers).json["snapshots"]
    assert snapshot["status"] == "failed"
    assert "did not answer within 2 s" in snapshot["error"]
    assert stored(draft, "repositories/github.com/cms-hig/hzz4l-analysis/main.tar.gz") is None


def test_a_flaky_host_is_retried(upload, draft, github):
    github.mode, github.flaky_failures = "flaky", 1
    assert upload(draft.pid, {"url": REPO}).status_code == 201
    assert stored(draft, "repositories/github.com/cms-hig/hzz4l-analysis/main.tar.gz")


def test_bad_bodies_are_refused_naming_the_field(upload, draft, github):
    cases = [
        ({}, ["url"]),
        ({"url": "https://example.org/a/b"}, ["url"]),
        ({"url": "https://github.com/cms-hig/no-such-repo"}, ["url"]),
        ({"url": f"{REPO}/tree/no-such-branch"}, ["url"]),
        ({"url": "https://github.com/cms-hig/hzz4l-private"}, ["url"]),
        ({"url": REPO, "webhook": "yes"}, ["webhook"]),
        ({"url": REPO, "webhook": True, "event_type": "merge"}, ["event_type"]),
        ({"url": REPO, "event_type": "push"}, ["event_type"]),
        ({"url": REPO, "branch": "main"}, ["branch"]),
        ({"url": f"{REPO}/blob/main/README.md", "webhook": True}, ["webhook"]),
    ]
    github.tokens = set()  # no credentials: the private repository is invisible
    for body, field in cases:
        answer = upload(draft.pid, body)
        assert answer.status_code == 400, (body, answer.json)
        assert answer.json["errors"][0]["field"] == field, body
    assert upload(draft.pid, [REPO]).status_code == 400


def test_a_published_drafts_bucket_is_never_written(upload, env, complete, github):
    owner = env.users.owner
    deposit = env.service.create(owner.identity, {"$ana_type": "generic", **complete})
    env.service.publish(owner.identity, deposit.pid)
    answer = upload(deposit.pid, {"url": REPO})
    assert answer.status_code == 409
    assert stored(deposit, "repositories/github.com/cms-hig/hzz4l-analysis/main.tar.gz") is None


def test_who_may_attach(upload, draft, env, github):
    users = env.users
    assert upload(draft.pid, {"url": REPO}, user=users.stranger).status_code == 404
    assert upload(draft.pid, {"url": REPO}, user=users.colleague).status_code == 403
    assert upload(draft.pid, {"url": REPO}, user=users.admin).status_code == 201
