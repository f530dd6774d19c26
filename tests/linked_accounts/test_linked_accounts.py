"""Linking GitHub, GitLab and Zenodo accounts through OAuth against the fakes:
the authorize/callback dance, the encrypted token, the linked account's
repositories and private repositories attached with its token, Zenodo
depositions made as the user, token renewal, disconnect (revoked at the
provider), and every refusal with a message that says what happened."""

import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from invenio_accounts.models import UserIdentity
from invenio_db import db
from invenio_files_rest.models import ObjectVersion
from invenio_oauthclient.models import RemoteAccount, RemoteToken
from sqlalchemy import text

from cap.modules.repositories.models import GitSnapshot
from cap.modules.schemas.api import get_schema

PRIVATE = "https://github.com/sandersson/thesis-fits/tree/main"


def accounts(client, headers=None):
    """The linked accounts answer, by name."""
    answer = client.get("/api/me/linked-accounts", headers=headers or {})
    assert answer.status_code == 200, answer.json
    return {entry["name"]: entry for entry in answer.json["hits"]}


def flashed(client):
    """The messages the next page shows (the linked accounts page)."""
    page = client.get("/account/linked-accounts")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def attach(client, person, pid, url):
    return client.post(f"/api/deposits/{pid}/actions/upload", headers=person.headers,
                       data=json.dumps({"url": url}))


@pytest.fixture()
def draft(env, complete, physicist):
    return env.service.create(physicist.identity, {"$ana_type": "generic", **complete})


def test_link_github_and_attach_a_private_repository(web, github, physicist, draft,
                                                      dance, unlinked):
    # Without a linked account CAP's own token does not see the personal repository.
    refused = attach(web, physicist, draft.pid, PRIVATE)
    assert refused.status_code == 400
    assert "Link your account" in refused.json["errors"][0]["message"]

    web.login(physicist)
    assert accounts(web)["github"]["linked"] is False
    answer = dance.link(web, github, "github")
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith("/account/linked-accounts")
    assert "Your GitHub account sandersson is linked." in flashed(web)

    entry = accounts(web, physicist.headers)["github"]
    assert entry["linked"] and entry["account"] == {
        "id": "5829301", "login": "sandersson", "name": "Sofia Andersson",
        "url": "https://github.com/sandersson"}
    assert datetime.fromisoformat(entry["linked_at"]).tzinfo is not None
    (token,) = github.oauth.tokens
    # Stored in invenio-oauthclient's RemoteToken, encrypted in the database.
    stored = RemoteToken.query.one()
    assert stored.access_token == token and stored.remote_account.user_id == physicist.id
    raw = db.session.execute(text("SELECT access_token FROM oauthclient_remotetoken")).scalar()
    assert token not in raw
    assert UserIdentity.query.filter_by(method="github", id="5829301").one().id_user == \
        physicist.id

    # The account's repositories, to pick from (the personal private one among them).
    listed = web.get("/api/me/linked-accounts/github/repositories",
                     headers=physicist.headers)
    assert listed.status_code == 200, listed.json
    names = {hit["full_name"]: hit for hit in listed.json["hits"]}
    assert names["sandersson/thesis-fits"]["private"] is True
    assert names["sandersson/thesis-fits"]["url"] == "https://github.com/sandersson/thesis-fits"

    # Attached with the linked token; the download (the Celery task) uses it too.
    attached = attach(web, physicist, draft.pid, PRIVATE)
    assert attached.status_code == 201, attached.json
    shown = web.get(f"/api/deposits/{draft.pid}/repositories", headers=physicist.headers)
    (snapshot,) = shown.json["snapshots"]
    assert snapshot["status"] == "done", snapshot
    assert GitSnapshot.query.filter_by(id=snapshot["id"]).one().user_id == physicist.id
    keys = {o.key for o in ObjectVersion.get_by_bucket(draft.bucket)}
    assert "repositories/github.com/sandersson/thesis-fits/main.tar.gz" in keys


def test_disconnect_revokes_at_github_and_forgets(web, github, physicist, draft, dance,
                                                  unlinked):
    web.login(physicist)
    dance.link(web, github, "github")
    (token,) = github.oauth.tokens
    answer = web.delete("/api/me/linked-accounts/github", headers=physicist.headers)
    assert answer.status_code == 200, answer.json
    assert answer.json == {"name": "github", "revoked": True, "message": None}
    assert github.oauth.revoked == [token]
    assert RemoteAccount.query.count() == 0 and RemoteToken.query.count() == 0
    assert UserIdentity.query.filter_by(method="github").count() == 0
    assert accounts(web, physicist.headers)["github"]["linked"] is False
    assert attach(web, physicist, draft.pid, PRIVATE).status_code == 400
    again = web.delete("/api/me/linked-accounts/github", headers=physicist.headers)
    assert again.status_code == 404


def test_a_get_on_upstream_disconnect_changes_nothing(web, github, physicist, dance,
                                                      unlinked):
    web.login(physicist)
    dance.link(web, github, "github")
    answer = web.get("/oauth/disconnect/github/")
    assert answer.status_code == 302
    assert RemoteAccount.query.count() == 1 and github.oauth.revoked == []


@pytest.mark.parametrize("name", ["github", "gitlab"])
def test_a_refused_code_is_said_and_nothing_is_stored(web, github, gitlab, physicist,
                                                      dance, unlinked, name):
    fake = {"github": github, "gitlab": gitlab}[name]
    web.login(physicist)
    path, query = dance.start(web, fake, name)
    state = [part for part in query.split("&") if part.startswith("state=")][0]
    answer = web.get(f"{path}?code=forged&{state}")
    assert answer.status_code == 302
    title = {"github": "GitHub", "gitlab": "GitLab"}[name]
    assert f"{title} refused the authorization code: it is wrong or expired." in \
        flashed(web)
    assert RemoteToken.query.count() == 0 and fake.oauth.tokens == {}


def test_denied_at_the_provider(web, github, physicist, dance, unlinked):
    github.oauth.deny = True
    web.login(physicist)
    answer = dance.link(web, github, "github")
    assert answer.status_code == 302
    assert "You did not allow CAP to use your GitHub account." in flashed(web)
    assert RemoteToken.query.count() == 0


def test_provider_down_during_the_code_exchange(web, gitlab, physicist, dance, unlinked):
    web.login(physicist)
    path, query = dance.start(web, gitlab, "gitlab")
    gitlab.mode = "down"
    answer = web.get(f"{path}?{query}")
    assert answer.status_code == 302
    assert "GitLab refused: gitlab did not answer the code exchange usably" in flashed(web)
    assert RemoteToken.query.count() == 0


def test_nobody_logs_in_with_a_linked_account(web, github, dance, unlinked):
    """Link-only: an anonymous callback is sent to the login page, nothing stored."""
    answer = dance.link(web, github, "github")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]
    assert RemoteToken.query.count() == 0
    assert web.get("/api/me/linked-accounts").status_code == 401


def test_one_github_account_links_one_cap_user(web, github, physicist, other_physicist,
                                               dance, unlinked):
    web.login(physicist)
    dance.link(web, github, "github")
    web.post("/logout/")
    with web.application.test_client() as other:
        other.post("/login/", data={"email": other_physicist.email,
                                    "password": "linked-accounts-test-password"})
        assert dance.link(other, github, "github").status_code == 302
        assert "This GitHub account (sandersson) is linked to another CAP account." in \
            other.get("/account/linked-accounts").get_data(as_text=True)
    assert RemoteAccount.query.filter_by(user_id=other_physicist.id).count() == 0


def test_gitlab_token_is_renewed_when_it_expired(web, gitlab, physicist, dance, unlinked):
    web.login(physicist)
    dance.link(web, gitlab, "gitlab")
    stored = RemoteToken.query.one()
    first, refresh = stored.access_token, stored.refresh_token
    assert first.startswith("glo_") and refresh and stored.expires is not None
    stored.expires = datetime.now(UTC) - timedelta(minutes=5)
    db.session.commit()
    listed = web.get("/api/me/linked-accounts/gitlab/repositories",
                     headers=physicist.headers)
    assert listed.status_code == 200, listed.json
    assert "sandersson/thesis-notebooks" in {hit["full_name"] for hit in listed.json["hits"]}
    db.session.expire_all()
    renewed = RemoteToken.query.one()
    assert renewed.access_token != first and renewed.refresh_token != refresh
    assert renewed.expires > datetime.now(UTC) + timedelta(minutes=100)
    # The old refresh token is spent at the provider.
    assert refresh not in gitlab.oauth.refresh_tokens

    answer = web.delete("/api/me/linked-accounts/gitlab", headers=physicist.headers)
    assert answer.json["revoked"] is True
    assert gitlab.oauth.revoked == [renewed.access_token]


def test_repositories_need_a_linked_git_account(web, physicist, unlinked):
    answer = web.get("/api/me/linked-accounts/github/repositories",
                     headers=physicist.headers)
    assert answer.status_code == 404
    assert "You have not linked a GitHub account." in answer.json["message"]
    zenodo = web.get("/api/me/linked-accounts/zenodo/repositories",
                     headers=physicist.headers)
    assert zenodo.status_code == 400 and zenodo.json["errors"][0]["field"] == ["name"]
    page = web.get("/api/me/linked-accounts/github/repositories?page=0",
                   headers=physicist.headers)
    assert page.status_code == 400 and page.json["errors"][0]["field"] == ["page"]
    assert web.get("/api/me/linked-accounts/nowhere/repositories",
                   headers=physicist.headers).status_code == 404


@pytest.fixture()
def record(web, env, complete, physicist):
    schema = get_schema("generic")
    schema.config = {**(schema.config or {}), "zenodo": True}
    db.session.commit()
    deposit = env.service.create(physicist.identity, {"$ana_type": "generic", **complete})
    ObjectVersion.create(deposit.bucket, "results.root", stream=io.BytesIO(b"histograms"))
    db.session.commit()
    answer = web.post(f"/api/deposits/{deposit.pid}/actions/publish",
                          headers=physicist.headers)
    assert answer.status_code == 202, answer.json
    return answer.json["recid"]


def test_zenodo_publish_as_the_linked_user(web, zenodo, physicist, record, dance,
                                           unlinked):
    web.login(physicist)
    assert dance.link(web, zenodo, "zenodo").status_code == 302
    entry = accounts(web, physicist.headers)["zenodo"]
    assert entry["linked"] and entry["account"]["id"] == "7431"
    assert entry["revocable"] is False
    answer = web.post(f"/api/records/{record}/actions/zenodo", headers=physicist.headers)
    assert answer.status_code == 202, answer.json
    (deposition,) = zenodo.depositions.values()
    assert deposition["owner"] == "sandersson" and deposition["submitted"]

    gone = web.delete("/api/me/linked-accounts/zenodo", headers=physicist.headers)
    assert gone.json["revoked"] is False
    assert "remove CAP from the applications of your Zenodo account" in gone.json["message"]
    # Unlinked: the next version is made with the instance's token.
    again = web.post(f"/api/records/{record}/actions/zenodo", headers=physicist.headers)
    assert again.status_code == 202, again.json
    assert zenodo.depositions[max(zenodo.depositions)]["owner"] == "instance"
