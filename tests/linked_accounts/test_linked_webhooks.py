"""Webhooks of repositories attached with a user's linked account: the hook is
created, checked and removed at the host with that user's token (the
instance's token otherwise), and its events' snapshots are downloaded with
the subscriber's token."""

import json

import pytest
from invenio_db import db
from invenio_files_rest.models import ObjectVersion, ObjectVersionTag

from cap.modules.repositories.models import GitSnapshot, GitWebhook

PERSONAL = "https://github.com/sandersson/thesis-fits"
"""A private repository only the linked account sees (not the instance's token)."""
PUBLIC = "https://github.com/cms-hig/hzz4l-analysis"


@pytest.fixture()
def api(app):
    """A client without a session: token headers only, as cap-client and git hosts call."""
    return app.test_client()


@pytest.fixture()
def link(app, physicist, dance, password):
    """``link(fake, name)``: the physicist links their account there, in a browser
    of its own (closed after, so its request context does not outlive it)."""
    def linking(fake, name):
        with app.test_client() as browser:
            answer = browser.post("/login/", data={"email": physicist.email,
                                                   "password": password})
            assert answer.status_code == 302
            assert dance.link(browser, fake, name).status_code == 302

    return linking


@pytest.fixture()
def draft(env, complete, physicist):
    return env.service.create(physicist.identity, {"$ana_type": "generic", **complete})


def upload(client, person, pid, body):
    return client.post(f"/api/deposits/{pid}/actions/upload", headers=person.headers,
                       data=json.dumps(body))


def disconnect(client, person, pid, body):
    return client.post(f"/api/deposits/{pid}/actions/disconnect_webhook",
                       headers=person.headers, data=json.dumps(body))


def head_tags(deposit, key):
    """The tags of the head version of ``key`` in the draft's bucket."""
    db.session.expire_all()
    obj = ObjectVersion.get(deposit.bucket, key)
    assert obj is not None, key
    return {t.key: t.value for t in ObjectVersionTag.query.filter_by(version_id=obj.version_id)}


def test_a_personal_repositorys_hook_is_the_linked_accounts(api, link, github, physicist,
                                                            draft, unlinked):
    from cap.modules.repositories.tasks import check_webhooks

    link(github, "github")
    answer = upload(api, physicist, draft.pid,
                    {"url": PERSONAL, "webhook": True, "event_type": "push"})
    assert answer.status_code == 201, answer.json
    repository = github.find("sandersson/thesis-fits")
    ((hook_id, hook),) = repository.hooks.items()
    assert hook["creator"] == "sandersson"  # made with the user's OAuth token
    assert GitWebhook.query.one().user_id == physicist.id

    # The scheduled check reads the hook with the same token: the instance's
    # would not see this repository and would call the hook dead.
    assert check_webhooks.apply().get() == 0
    assert GitWebhook.query.one().status == "active"
    assert github.hook_calls[-1] == ("POST", str(hook_id), "sandersson")

    # A signed push: the new commit is downloaded with the subscriber's token.
    sha = repository.push("main", {"fit.py": b"mu = 1.02\n"})
    headers, body = github.delivery(hook_id, "push", branch="main")
    delivered = api.post("/api/repos/event", headers=headers, data=body)
    assert delivered.status_code == 202, delivered.json
    pushed = GitSnapshot.query.filter_by(event="push").one()
    assert (pushed.status, pushed.sha, pushed.user_id) == ("done", sha, physicist.id)
    assert head_tags(draft, "repositories/github.com/sandersson/thesis-fits/main.tar.gz")[
        "commit"] == sha

    # Disconnecting the last subscriber removes the hook with the user's token.
    gone = disconnect(api, physicist, draft.pid, {"url": PERSONAL, "event_type": "push"})
    assert gone.status_code == 200, gone.json
    assert repository.hooks == {}
    assert github.hook_calls[-1] == ("DELETE", str(hook_id), "sandersson")


def test_without_a_linked_account_the_instance_token_makes_the_hook(api, github, physicist,
                                                                    draft, unlinked):
    answer = upload(api, physicist, draft.pid,
                    {"url": PUBLIC, "webhook": True, "event_type": "release"})
    assert answer.status_code == 201, answer.json
    ((hook_id, hook),) = github.find("cms-hig/hzz4l-analysis").hooks.items()
    assert hook["creator"] is None and GitWebhook.query.one().user_id is None
    assert disconnect(api, physicist, draft.pid,
                      {"url": PUBLIC, "event_type": "release"}).status_code == 200
    assert github.hook_calls[-1] == ("DELETE", str(hook_id), None)


def test_no_maintainer_rights_falls_back_to_the_instance_token(api, link, github,
                                                               physicist, draft, unlinked):
    """A linked user who may read an organisation's repository but not manage its
    hooks: the host refuses the user's token (404), CAP's own makes the hook."""
    link(github, "github")
    github.find("cms-hig/hzz4l-analysis").members.clear()
    answer = upload(api, physicist, draft.pid,
                    {"url": PUBLIC, "webhook": True, "event_type": "push"})
    assert answer.status_code == 201, answer.json
    (hook,) = github.find("cms-hig/hzz4l-analysis").hooks.values()
    assert hook["creator"] is None
    assert [call[2] for call in github.hook_calls] == ["sandersson", None]
    assert GitWebhook.query.one().user_id is None


def test_gitlab_refusing_the_only_token_says_so(api, link, gitlab, physicist, draft,
                                                unlinked, app):
    """No instance token at the host, and the linked account is no maintainer
    (GitLab answers 403): a 400 naming ``webhook``, nothing written."""
    link(gitlab, "gitlab")
    gitlab.find("cms-hig/hzz4l-fits").members.clear()
    hosts = app.config["CAP_REPOSITORIES_HOSTS"]
    token, hosts["gitlab.cern.ch"]["token"] = hosts["gitlab.cern.ch"]["token"], None
    try:
        answer = upload(api, physicist, draft.pid,
                        {"url": "https://gitlab.cern.ch/cms-hig/hzz4l-fits",
                         "webhook": True, "event_type": "release"})
    finally:
        hosts["gitlab.cern.ch"]["token"] = token
    assert answer.status_code == 400, answer.json
    assert answer.json["errors"][0]["field"] == ["webhook"]
    assert "does not let your linked account create hooks" in answer.json["message"]
    assert gitlab.find("cms-hig/hzz4l-fits").hooks == {}
    assert GitWebhook.query.count() == 0 and GitSnapshot.query.count() == 0


def test_gitlab_tag_push_of_a_personal_project(api, link, gitlab, physicist, draft,
                                               unlinked):
    link(gitlab, "gitlab")
    answer = upload(api, physicist, draft.pid,
                    {"url": "https://gitlab.cern.ch/sandersson/thesis-notebooks",
                     "webhook": True, "event_type": "release"})
    assert answer.status_code == 201, answer.json
    project = gitlab.find("sandersson/thesis-notebooks")
    ((hook_id, hook),) = project.hooks.items()
    assert hook["creator"] == "sandersson"
    sha = project.tag("v2.0.0")
    headers, body = gitlab.delivery(hook_id, "tag_push", tag="v2.0.0")
    delivered = api.post("/api/repos/event", headers=headers, data=body)
    assert delivered.status_code == 202, delivered.json
    tags = head_tags(draft, "repositories/gitlab.cern.ch/sandersson/thesis-notebooks/"
                            "v2.0.0.tar.gz")
    assert tags["commit"] == sha


def test_a_legacy_user_template_creates_the_repository_with_the_linked_account(
        api, env, draft, physicist, link, github, unlinked):
    """Legacy CAP's ``authentication: {type: user}``: the caller's own account creates it
    (a member of the organisation), and so the hook."""
    from cap.modules.schemas.models import Schema

    template = {"host": "github.com", "org_name": "cms-hig", "authentication": {"type": "user"},
                "repo_name": {"template": "recast-{{ id }}",
                              "ctx": {"id": {"type": "path", "path": "_deposit.id"}}},
                "private": True}
    rows = Schema.query.filter_by(name="generic").all()
    saved = {row.id: row.config for row in rows}
    for row in rows:
        row.config = {**(row.config or {}), "repositories": {"mine": template}}
    db.session.commit()
    url = f"/api/deposits/{draft.pid}/actions/create_repository"
    try:
        answer = api.post(url, headers=physicist.headers, data=json.dumps({"name": "mine"}))
        assert answer.status_code == 400
        assert "link it first" in answer.json["message"]
        assert github.find(f"cms-hig/recast-{draft.pid}") is None

        link(github, "github")
        answer = api.post(url, headers=physicist.headers, data=json.dumps({"name": "mine"}))
        assert answer.status_code == 201, answer.json
    finally:
        for row in Schema.query.filter_by(name="generic").all():
            row.config = saved[row.id]
        db.session.commit()
    repository = github.find(f"cms-hig/recast-{draft.pid}")
    assert repository.private and repository.members == {"sandersson"}
    (hook,) = repository.hooks.values()
    assert hook["creator"] == "sandersson"
    (webhook,) = GitWebhook.query.filter_by(name=f"recast-{draft.pid}").all()
    assert webhook.user_id == physicist.id
