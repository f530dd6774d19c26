"""cap-client 1.4's ``repositories upload|connect|get`` (PyPI, unchanged) against a live CAP.

CAP talks to the fake GitHub (tests/fakes/git_server.py); the snapshot is
downloaded by the (eager) Celery task inside the request.
"""

import json

import pytest

REPO = "https://github.com/cms-hig/hzz4l-analysis"


@pytest.fixture(scope="module")
def app_config(app_config, github_server):
    """github.com is the fake."""
    from fakes.git_server import hosts_config

    app_config["CAP_REPOSITORIES_HOSTS"] = hosts_config(github_server)
    return app_config


def test_upload_connect_and_get(cap_client, create_user, experiment_roles, service,
                                github_server, complete):
    github = github_server
    physicist = create_user("e2e-repos@cern.ch", roles=["cms-members@cern.ch"])
    pid = service.create(physicist.identity, {"$ana_type": "generic", **complete}).pid

    def run(*args):
        result = cap_client(physicist, "repositories", *args)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    assert "Repository tarball was saved" in run("upload", "--pid", pid, f"{REPO}/tree/v1.0.0")
    assert "Now on every push" in run("connect", "--pid", pid, "--event", "push", REPO)
    assert len(github.find("cms-hig/hzz4l-analysis").hooks) == 1

    (hook,) = json.loads(run("get", "--pid", pid))
    assert {k: hook[k] for k in ("host", "owner", "name", "branch", "event_type")} == {
        "host": "github.com", "owner": "cms-hig", "name": "hzz4l-analysis",
        "branch": "main", "event_type": "push"}
    assert "snapshots" not in hook
    (hook,) = json.loads(run("get", "--pid", pid, "--with-snapshots"))
    sha = github.find("cms-hig/hzz4l-analysis").branches["main"]
    assert [(s["ref"], s["sha"], s["status"]) for s in hook["snapshots"]] == [("main", sha,
                                                                              "done")]
    keys = {f["key"] for f in service.read(physicist.identity, pid).files}
    assert {"repositories/github.com/cms-hig/hzz4l-analysis/v1.0.0.tar.gz",
            "repositories/github.com/cms-hig/hzz4l-analysis/main.tar.gz"} <= keys

    # A refusal is printed with the field, as cap-client prints every error.
    result = cap_client(physicist, "repositories", "upload", "--pid", pid,
                        "https://example.org/a/b")
    assert result.returncode != 0
    assert "url" in result.stdout + result.stderr
