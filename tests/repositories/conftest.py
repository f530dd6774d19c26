"""Repositories tests: the app talks to a fake GitHub and a fake GitLab on 127.0.0.1."""

import pytest


@pytest.fixture(scope="module")
def git_hosts(github_server):
    """The fake GitHub and a fake GitLab, for the module."""
    from fakes.git_server import start_gitlab

    gitlab = start_gitlab()
    yield github_server, gitlab
    gitlab.stop()


@pytest.fixture(scope="module")
def app_config(app_config, git_hosts):
    """Hosts pointing at the fakes; short budgets, quick retries."""
    from fakes.git_server import hosts_config

    app_config.update(
        CAP_REPOSITORIES_HOSTS=hosts_config(*git_hosts),
        CAP_REPOSITORIES_TIMEOUT=1,
        CAP_REPOSITORIES_DOWNLOAD_TIMEOUT=2,
        CAP_REPOSITORIES_RETRIES=1,
    )
    return app_config


@pytest.fixture()
def github(git_hosts):
    """The fake GitHub, with its demo repositories, behaving."""
    git_hosts[0].reset()
    yield git_hosts[0]
    git_hosts[0].reset()


@pytest.fixture()
def gitlab(git_hosts):
    """The fake GitLab (as gitlab.cern.ch), with its demo projects, behaving."""
    git_hosts[1].reset()
    yield git_hosts[1]
    git_hosts[1].reset()


@pytest.fixture()
def draft(env, complete):
    """A generic draft of ``owner``, shared read-only with ``colleague``."""
    owner = env.users.owner
    deposit = env.service.create(owner.identity, {"$ana_type": "generic", **complete})
    env.service.update_permissions(owner.identity, deposit.pid, [
        {"email": env.users.colleague.email, "type": "user", "op": "add",
         "action": "deposit-read"},
    ])
    return deposit


@pytest.fixture()
def upload(client, env):
    """POST an upload body for a draft as ``user`` (default: the owner)."""
    import json

    def post(pid, body, user=None, accept="application/json"):
        headers = dict((user or env.users.owner).headers, Accept=accept)
        return client.post(f"/deposits/{pid}/actions/upload", headers=headers,
                           data=json.dumps(body))

    return post
