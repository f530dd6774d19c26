"""Creating a repository from a schema's template: ``POST .../actions/create_repository``."""

import json

import pytest
from invenio_db import db

TEMPLATES = {
    "github": {"host": "github.com", "org_name": "cms-hig", "repo_name": "analysis-{_deposit.id}",
               "description": "Code of {title}", "private": True},
    "gitlab": {"host": "gitlab.cern.ch", "org_name": "cms-hig", "event_type": "push",
               "repo_name": "fits-{_deposit.id}", "private": False},
    "by-title": {"host": "github.com", "org_name": "cms-hig", "repo_name": "{title}"},
    "by-cadi": {"host": "github.com", "org_name": "cms-hig", "repo_name": "{basic_info.cadi_id}"},
}


@pytest.fixture()
def templates(env):
    """The generic schema's config holds ``TEMPLATES`` for one test."""
    from cap.modules.schemas.models import Schema

    rows = Schema.query.filter_by(name="generic").all()
    saved = {row.id: row.config for row in rows}
    for row in rows:
        row.config = {**(row.config or {}), "repositories": TEMPLATES}
    db.session.commit()
    yield TEMPLATES
    for row in Schema.query.filter_by(name="generic").all():
        row.config = saved[row.id]
    db.session.commit()


def create(client, user, pid, body):
    return client.post(f"/deposits/{pid}/actions/create_repository", headers=user.headers,
                       data=json.dumps(body))


def test_github_template_creates_the_repository_and_follows_releases(
        client, env, draft, templates, github):
    answer = create(client, env.users.owner, draft.pid, {"name": "github"})
    assert answer.status_code == 201, answer.json
    name = f"cms-hig/analysis-{draft.pid}"
    assert answer.json["created"] == f"https://github.com/{name}"
    repository = github.find(name)
    assert repository.private
    assert repository.commits[repository.branches["main"]]["README.md"].startswith(
        f"# analysis-{draft.pid}\n\nCode of Recasting".encode())
    (hook,) = repository.hooks.values()
    assert hook["events"] == ["release"]
    (webhook,) = answer.json["webhooks"]
    assert (webhook["name"], webhook["event_type"]) == (f"analysis-{draft.pid}", "release")
    # Created once: the name is taken now.
    answer = create(client, env.users.owner, draft.pid, {"name": "github"})
    assert answer.status_code == 409
    assert answer.json["errors"][0]["field"] == ["name"]


def test_gitlab_template_in_its_group(client, env, draft, templates, gitlab):
    answer = create(client, env.users.owner, draft.pid, {"name": "gitlab"})
    assert answer.status_code == 201, answer.json
    repository = gitlab.find(f"cms-hig/fits-{draft.pid}")
    assert not repository.private
    (hook,) = repository.hooks.values()
    assert hook["push_events"] and hook["push_events_branch_filter"] == "main"


def test_refusals_name_the_field(client, env, draft, templates, github):
    owner = env.users.owner
    demo = set(github.repositories)
    cases = [({"name": "nope"}, ["name"]), ({}, ["name"]), ({"name": "by-title"}, ["name"]),
             ({"name": "by-cadi"}, ["basic_info", "cadi_id"])]
    for body, field in cases:
        answer = create(client, owner, draft.pid, body)
        assert answer.status_code == 400, (body, answer.json)
        assert answer.json["errors"][0]["field"] == field
    assert set(github.repositories) == demo  # nothing created
    assert create(client, env.users.colleague, draft.pid, {"name": "github"}).status_code == 403
    assert create(client, env.users.stranger, draft.pid, {"name": "github"}).status_code == 404


def test_without_templates(client, env, draft, github):
    answer = create(client, env.users.owner, draft.pid, {"name": "github"})
    assert answer.status_code == 400
    assert answer.json["message"] == "This deposit type has no repository templates."
