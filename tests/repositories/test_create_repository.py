"""Creating a repository from a schema's template: ``POST .../actions/create_repository``."""

import json
from contextlib import contextmanager

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


LEGACY_TEMPLATES = {
    # Legacy CAP's shape, loaded as it is: Jinja templates with a ctx, a GitLab group
    # by its id, whose token (authentication), a license, repo_description.
    "gitlab": {
        "host": "gitlab.cern.ch", "org_id": 3107, "authentication": {"type": "cap"},
        "repo_name": {"template_file": "repos/name/atlas.html",
                      "ctx": {"glance_id": {"type": "path", "path": "basic_info.glance_id"}}},
        "description": {"template_file": "repos/description/atlas.html",
                        "ctx": {"glance_id": {"type": "path", "path": "basic_info.glance_id"}}},
        "private": False, "license": "",
    },
    "github": {
        "host": "github.com", "org_name": "cms-hig", "authentication": {"type": "cap"},
        "repo_name": {"template": "atlas-{{ glance_id }}-code",
                      "ctx": {"glance_id": {"type": "path", "path": "basic_info.glance_id"}}},
        "repo_description": {"template": "Draft: {{ url }}",
                             "ctx": {"url": {"method": "draft_url"}}},
        "private": True, "license": "mit",
    },
    "broken": {"host": "bitbucket.org", "org_name": "x", "repo_name": "y"},
}


@contextmanager
def schema_templates(name, templates):
    """The ``name`` schema's config holds ``templates`` in the block."""
    from cap.modules.schemas.models import Schema

    rows = Schema.query.filter_by(name=name).all()
    saved = {row.id: row.config for row in rows}
    for row in rows:
        row.config = {**(row.config or {}), "repositories": templates}
    db.session.commit()
    try:
        yield templates
    finally:
        for row in Schema.query.filter_by(name=name).all():
            row.config = saved[row.id]
        db.session.commit()


@pytest.fixture()
def templates(env):
    """The generic schema's config holds ``TEMPLATES`` for one test."""
    with schema_templates("generic", TEMPLATES):
        yield TEMPLATES


def atlas_draft(env, **basic_info):
    """An ATLAS draft of the ATLAS member."""
    return env.service.create(env.users.atlas.identity, {
        "$ana_type": "atlas-analysis",
        "basic_info": {"analysis_title": "Stop search, one lepton", **basic_info},
    })


def listed(client, user, pid):
    answer = client.get(f"/deposits/{pid}/repositories", headers=user.headers)
    assert answer.status_code == 200, answer.json
    return answer.json


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


def test_the_shipped_atlas_template_makes_analysis_glance_id_in_its_gitlab_group(
        client, env, gitlab):
    atlas = env.users.atlas
    unnamed = atlas_draft(env)
    (template,) = listed(client, atlas, unnamed.pid)["templates"]
    assert template["repository"] is None  # nothing to name it after yet
    assert template["error"]["field"] == ["basic_info", "glance_id"]
    answer = create(client, atlas, unnamed.pid, {"name": "gitlab"})
    assert answer.status_code == 400
    assert answer.json["errors"][0]["field"] == ["basic_info", "glance_id"]

    draft = atlas_draft(env, glance_id="23712")
    (template,) = listed(client, atlas, draft.pid)["templates"]
    assert template == {
        "name": "gitlab", "host": "gitlab.cern.ch", "owner": "atlas-cap",
        "repository": "analysis-23712", "private": True, "event_type": "release",
        "credentials": "cap", "url": "https://gitlab.cern.ch/atlas-cap/analysis-23712",
        "created": False, "error": None,
    }
    answer = create(client, atlas, draft.pid, {"name": "gitlab"})
    assert answer.status_code == 201, answer.json
    assert answer.json["created"] == "https://gitlab.cern.ch/atlas-cap/analysis-23712"
    project = gitlab.find("atlas-cap/analysis-23712")
    assert project.private
    assert b"Repository for ATLAS Analysis with 23712." in \
        project.commits[project.branches["main"]]["README.md"]
    (hook,) = project.hooks.values()
    assert hook["tag_push_events"] and not hook["push_events"]
    (webhook,) = answer.json["webhooks"]
    assert (webhook["owner"], webhook["name"], webhook["event_type"]) == \
        ("atlas-cap", "analysis-23712", "release")
    assert answer.json["templates"][0]["created"] is True
    assert listed(client, atlas, draft.pid)["templates"][0]["created"] is True


def test_legacy_templates_load_as_they_are(client, env, github, gitlab, app):
    atlas = env.users.atlas
    draft = atlas_draft(env, glance_id="23712")
    with schema_templates("atlas-analysis", LEGACY_TEMPLATES):
        previews = {t["name"]: t for t in listed(client, atlas, draft.pid)["templates"]}
        assert previews["gitlab"]["repository"] == "analysis-23712"
        assert previews["gitlab"]["url"] is None  # the group is an id until it is made
        assert previews["github"]["repository"] == "atlas-23712-code"
        assert previews["broken"]["error"]["field"] == \
            ["config", "repositories", "broken", "host"]

        answer = create(client, atlas, draft.pid, {"name": "gitlab"})
        assert answer.status_code == 201, answer.json
        # org_id 3107 is the group atlas-cap; private false: public.
        assert answer.json["created"] == "https://gitlab.cern.ch/atlas-cap/analysis-23712"
        project = gitlab.find("atlas-cap/analysis-23712")
        assert not project.private
        assert b"Repository for ATLAS Analysis with 23712." in \
            project.commits[project.branches["main"]]["README.md"]
        (hook,) = project.hooks.values()
        assert hook["tag_push_events"]  # legacy's default webhook: releases

        answer = create(client, atlas, draft.pid, {"name": "github"})
        assert answer.status_code == 201, answer.json
        repository = github.find("cms-hig/atlas-23712-code")
        files = repository.commits[repository.branches["main"]]
        assert repository.private
        draft_url = app.config["SITE_UI_URL"] + f"/drafts/{draft.pid}"
        assert f"Draft: {draft_url}".encode() in files["README.md"]
        assert files["LICENSE"] == b"MIT License\n"
        (hook,) = repository.hooks.values()
        assert hook["events"] == ["release"]
        previews = {t["name"]: t for t in answer.json["templates"]}
        assert previews["gitlab"]["created"] and previews["github"]["created"]

        answer = create(client, atlas, draft.pid, {"name": "broken"})
        assert answer.status_code == 400
        assert answer.json["errors"][0]["field"] == ["config", "repositories", "broken", "host"]
