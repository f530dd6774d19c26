"""Clients of the GitHub REST API v3 and the GitLab API v4 (plain requests).

Every call has a time budget (``timeout``, retries included); a refused
connection, a 429 or a 5xx answer is retried ``retries`` times with
exponential backoff while time remains. Failures are plain errors:
:class:`UpstreamTimeoutError`, :class:`UpstreamUnavailableError`,
:class:`NotFoundError` (the host does not show the repository, ref or file
to this token). Downloads stream to a spooled file, at most ``max_size``
bytes, against the download budget.

Each class also knows its host's events: how a delivery is signed and what
it says (:class:`Event`).
"""

import contextlib
import hashlib
import hmac
import tempfile
import time
from dataclasses import dataclass
from urllib.parse import quote

import requests

from ..core.errors import (
    CAPError,
    NotFoundError,
    PayloadTooLargeError,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
)

RETRY_STATUS = {429, 500, 502, 503, 504}
CHUNK = 1024 * 1024
NULL_SHA = "0" * 40


class RefusedError(NotFoundError):
    """The host refused the call's arguments (an unknown ref, a name already taken)."""


class CredentialsRefusedError(UpstreamUnavailableError):
    """The host refused the token (HTTP 401/403): expired, revoked, or without the right."""


class TooLargeError(PayloadTooLargeError):
    """The archive or file is larger than a snapshot may be."""


@dataclass(frozen=True)
class Repository:
    """What CAP needs of a repository at its host."""

    project_id: str
    default_branch: str
    private: bool
    full_name: str | None = None
    """``owner/name`` as the host answered it (set by ``create_repository``: a GitLab
    group may be given by its id)."""


@dataclass(frozen=True)
class Event:
    """A delivery, read: ``kind`` is ``push``, ``release`` or ``ping``."""

    kind: str
    project_id: str
    delivery_id: str
    ref: str | None = None
    """The pushed branch or the released tag."""
    sha: str | None = None


@dataclass(frozen=True)
class Download:
    """A downloaded body: an open spooled file (at 0), its size and SHA-256."""

    file: object
    size: int
    sha256: str


class GitHostClient:
    """Calls under one API base URL with a token, budget and retries."""

    def __init__(self, host, api_url, token=None, timeout=30, download_timeout=600, retries=2,
                 backoff=0.2, oauth=False):
        """``host`` names the service in errors (``github.com``); ``oauth``: ``token``
        is a user's OAuth token (a linked account), not the instance's."""
        self.host = host
        self.api_url = api_url.rstrip("/")
        self.token = token
        self.oauth = oauth
        self.timeout = float(timeout)
        self.download_timeout = float(download_timeout)
        self.retries = int(retries)
        self.backoff = float(backoff)
        self.session = requests.Session()

    @classmethod
    def from_config(cls, host, settings, config, user_token=None):
        """The client of ``host``'s entry of ``CAP_REPOSITORIES_HOSTS``: with the
        instance's token, or ``user_token`` (a linked account's) when given."""
        return cls(host, settings["api_url"],
                   token=user_token or settings.get("token"), oauth=bool(user_token),
                   timeout=config["CAP_REPOSITORIES_TIMEOUT"],
                   download_timeout=config["CAP_REPOSITORIES_DOWNLOAD_TIMEOUT"],
                   retries=config["CAP_REPOSITORIES_RETRIES"])

    def auth_headers(self):
        """The token's header (none without a token)."""
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def request(self, method, path, budget=None, accept="application/json", **kwargs):
        """A response (2xx) to ``method path``, within the budget; the caller closes it."""
        deadline = time.monotonic() + (budget or self.timeout)
        headers = {"Accept": accept, **self.auth_headers()}
        attempt = 0
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise self.timed_out(budget)
            try:
                response = self.session.request(method, f"{self.api_url}/{path.lstrip('/')}",
                                                headers=headers, timeout=left, stream=True,
                                                **kwargs)
            except requests.Timeout:
                raise self.timed_out(budget) from None
            except requests.ConnectionError as error:
                problem, response = f"connection failed ({type(error).__name__})", None
            else:
                if response.status_code not in RETRY_STATUS:
                    return self.checked(response)
                problem = f"HTTP {response.status_code}"
                response.close()
            pause = self.backoff * 2**attempt
            if attempt >= self.retries or time.monotonic() + pause >= deadline:
                raise UpstreamUnavailableError(f"{self.host} is unavailable: {problem}.")
            attempt += 1
            time.sleep(pause)

    def timed_out(self, budget=None):
        """The error of a call past its budget."""
        return UpstreamTimeoutError(
            f"{self.host} did not answer within {budget or self.timeout:g} s."
        )

    def checked(self, response):
        """``response`` if 2xx; 404 is NotFound, 400/422 Refused, 401/403 CredentialsRefused,
        others unavailable."""
        if 200 <= response.status_code < 300:
            return response
        response.close()
        if response.status_code == 404:
            raise NotFoundError(f"{self.host} does not show this (HTTP 404).")
        if response.status_code in (400, 422):  # GitHub: no such ref; both: name taken
            raise RefusedError(f"{self.host} refused it (HTTP {response.status_code}).")
        if response.status_code in (401, 403):
            whose = "your linked account's" if self.oauth else "CAP's"
            raise CredentialsRefusedError(
                f"{self.host} refused {whose} credentials (HTTP {response.status_code})."
            )
        raise UpstreamUnavailableError(f"{self.host} answered HTTP {response.status_code}.")

    def json(self, method, path, **kwargs):
        """The decoded JSON answer."""
        with self.request(method, path, **kwargs) as response:
            try:
                return response.json()
            except ValueError:
                raise UpstreamUnavailableError(
                    f"{self.host} answered something not JSON."
                ) from None

    def delete_hook(self, owner, name, project_id, hook_id):
        """Remove the hook (already gone is fine)."""
        with contextlib.suppress(NotFoundError):
            self.request("DELETE", self.hook_path(owner, name, project_id, hook_id)).close()

    def hook_alive(self, owner, name, project_id, hook_id):
        """Whether the hook still exists at the host (see ``hook_check``)."""
        try:
            self.request(*self.hook_check(owner, name, project_id, hook_id)).close()
        except NotFoundError:
            return False
        return True

    def download(self, path, max_size, accept="*/*", params=None):
        """The body at ``path`` spooled to a temporary file, refused past ``max_size`` bytes."""
        deadline = time.monotonic() + self.download_timeout
        with self.request("GET", path, budget=self.download_timeout, accept=accept,
                          params=params) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_size:
                raise TooLargeError(
                    f"It is {declared} bytes, over the {max_size} bytes a snapshot may be."
                )
            # Handed to the caller open (``Download.file``), who closes it.
            spool = tempfile.SpooledTemporaryFile(max_size=8 * CHUNK)  # noqa: SIM115
            digest, size = hashlib.sha256(), 0
            try:
                for chunk in response.iter_content(CHUNK):
                    if time.monotonic() > deadline:
                        raise self.timed_out(self.download_timeout)
                    size += len(chunk)
                    if size > max_size:
                        raise TooLargeError(f"It is over the {max_size} bytes a snapshot may be.")
                    digest.update(chunk)
                    spool.write(chunk)
            except requests.RequestException:
                spool.close()
                raise UpstreamUnavailableError(f"{self.host} broke off the download.") from None
            except CAPError:
                spool.close()
                raise
        spool.seek(0)
        return Download(spool, size, digest.hexdigest())


class GitHubClient(GitHostClient):
    """GitHub's REST API v3."""

    def user(self):
        """The token's account: ``{id, login, name, url}``."""
        body = self.json("GET", "user")
        return {"id": str(body["id"]), "login": body["login"], "name": body.get("name") or "",
                "url": body.get("html_url")}

    def user_repositories(self, page=1, per_page=100):
        """Repositories the token's account owns, collaborates on or sees as an
        organisation member, last pushed first."""
        body = self.json("GET", "user/repos", params={
            "affiliation": "owner,collaborator,organization_member", "sort": "pushed",
            "per_page": per_page, "page": page})
        return [{"full_name": r["full_name"], "url": r["html_url"], "private": bool(r["private"]),
                 "default_branch": r.get("default_branch"), "description": r.get("description")}
                for r in body]

    def repository(self, owner, name):
        """The repository ``owner/name``."""
        body = self.json("GET", f"repos/{owner}/{name}")
        return Repository(str(body["id"]), body["default_branch"], bool(body.get("private")))

    def commit_sha(self, owner, name, project_id, ref):
        """The commit a branch, tag or sha names."""
        return self.json("GET", f"repos/{owner}/{name}/commits/{quote(ref, safe='')}")["sha"]

    def create_repository(self, owner, name, description, private, license_template=None):
        """A new repository of the organisation ``owner``, with a README (and the
        ``license_template``'s LICENSE, e.g. ``mit``, when given)."""
        body = {"name": name, "description": description, "private": private, "auto_init": True}
        if license_template:
            body["license_template"] = license_template
        body = self.json("POST", f"orgs/{owner}/repos", json=body)
        return Repository(str(body["id"]), body["default_branch"], bool(body.get("private")),
                          body["full_name"])

    def archive(self, owner, name, project_id, sha, max_size):
        """The tar.gz of the repository at ``sha``."""
        return self.download(f"repos/{owner}/{name}/tarball/{sha}", max_size)

    def file(self, owner, name, project_id, sha, path, max_size):
        """One file at ``sha``, raw."""
        return self.download(f"repos/{owner}/{name}/contents/{quote(path)}", max_size,
                             accept="application/vnd.github.raw", params={"ref": sha})

    def create_hook(self, owner, name, project_id, event_type, branch, url, secret):
        """A web hook for ``push`` or ``release`` events; its id."""
        body = {"name": "web", "active": True, "events": [event_type],
                "config": {"url": url, "content_type": "json", "secret": secret,
                           "insecure_ssl": "0"}}
        return str(self.json("POST", f"repos/{owner}/{name}/hooks", json=body)["id"])

    def hook_path(self, owner, name, project_id, hook_id):
        """The API path of a hook."""
        return f"repos/{owner}/{name}/hooks/{hook_id}"

    def hook_check(self, owner, name, project_id, hook_id):
        """Whether the hook still exists: a ping is sent to it."""
        return "POST", self.hook_path(owner, name, project_id, hook_id) + "/pings"

    @staticmethod
    def signed(headers, body, secret):
        """Whether ``X-Hub-Signature-256`` is the HMAC-SHA256 of ``body`` with ``secret``."""
        given = headers.get("X-Hub-Signature-256") or ""
        expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(given.encode(), expected.encode())

    @staticmethod
    def event(headers, payload):
        """What a delivery says (``None``: an event CAP does not snapshot)."""
        kind = headers.get("X-GitHub-Event")
        delivery = headers.get("X-GitHub-Delivery") or ""
        project_id = str((payload.get("repository") or {}).get("id", ""))
        if kind == "ping":
            return Event("ping", project_id, delivery)
        if kind == "push" and str(payload.get("ref", "")).startswith("refs/heads/"):
            if payload.get("deleted") or payload.get("after") == NULL_SHA:
                return None
            return Event("push", project_id, delivery,
                         payload["ref"].removeprefix("refs/heads/"), payload.get("after"))
        if kind == "release" and payload.get("action") in ("published", "released"):
            return Event("release", project_id, delivery,
                         (payload.get("release") or {}).get("tag_name"))
        return None

    @staticmethod
    def project_of(headers, payload):
        """The repository id a delivery names (before it is verified)."""
        return str((payload.get("repository") or {}).get("id", ""))


class GitLabClient(GitHostClient):
    """The GitLab API v4 (gitlab.com, gitlab.cern.ch ...)."""

    def auth_headers(self):
        """GitLab's header of a personal access token, or of a user's OAuth token."""
        if not self.token:
            return {}
        return {"Authorization": f"Bearer {self.token}"} if self.oauth \
            else {"PRIVATE-TOKEN": self.token}

    def user(self):
        """The token's account: ``{id, login, name, url}``."""
        body = self.json("GET", "user")
        return {"id": str(body["id"]), "login": body["username"], "name": body.get("name") or "",
                "url": body.get("web_url")}

    def user_repositories(self, page=1, per_page=100):
        """Projects the token's account is a member of, last active first."""
        body = self.json("GET", "projects", params={
            "membership": "true", "order_by": "last_activity_at",
            "per_page": per_page, "page": page})
        return [{"full_name": p["path_with_namespace"], "url": p["web_url"],
                 "private": p.get("visibility") != "public",
                 "default_branch": p.get("default_branch"), "description": p.get("description")}
                for p in body]

    def repository(self, owner, name):
        """The project ``owner/name`` (``owner`` may hold subgroups)."""
        body = self.json("GET", f"projects/{quote(f'{owner}/{name}', safe='')}")
        return Repository(str(body["id"]), body.get("default_branch") or "main",
                          body.get("visibility") != "public")

    def commit_sha(self, owner, name, project_id, ref):
        """The commit a branch, tag or sha names."""
        return self.json("GET", f"projects/{project_id}/repository/commits/"
                                f"{quote(ref, safe='')}")["id"]

    def create_repository(self, owner, name, description, private, license_template=None):
        """A new project in the group ``owner`` (its path or id), with a README
        (GitLab has no license templates at creation: ``license_template`` is not sent)."""
        group = self.json("GET", f"groups/{quote(str(owner), safe='')}")
        body = self.json("POST", "projects", json={
            "name": name, "path": name, "namespace_id": group["id"],
            "description": description, "initialize_with_readme": True,
            "visibility": "private" if private else "public"})
        return Repository(str(body["id"]), body.get("default_branch") or "main",
                          body.get("visibility") != "public", body["path_with_namespace"])

    def archive(self, owner, name, project_id, sha, max_size):
        """The tar.gz of the project at ``sha``."""
        return self.download(f"projects/{project_id}/repository/archive.tar.gz", max_size,
                             params={"sha": sha})

    def file(self, owner, name, project_id, sha, path, max_size):
        """One file at ``sha``, raw."""
        return self.download(
            f"projects/{project_id}/repository/files/{quote(path, safe='')}/raw", max_size,
            params={"ref": sha},
        )

    def create_hook(self, owner, name, project_id, event_type, branch, url, secret):
        """A project hook for pushes of ``branch`` or tag pushes; its id."""
        body = {"url": url, "token": secret, "enable_ssl_verification": True,
                "push_events": event_type == "push",
                "tag_push_events": event_type == "release"}
        if branch:
            body["push_events_branch_filter"] = branch
        return str(self.json("POST", f"projects/{project_id}/hooks", json=body)["id"])

    def hook_path(self, owner, name, project_id, hook_id):
        """The API path of a hook."""
        return f"projects/{project_id}/hooks/{hook_id}"

    def hook_check(self, owner, name, project_id, hook_id):
        """Whether the hook still exists: GitLab has no ping, it is read."""
        return "GET", self.hook_path(owner, name, project_id, hook_id)

    @staticmethod
    def signed(headers, body, secret):
        """Whether ``X-Gitlab-Token`` is the hook's secret."""
        given = headers.get("X-Gitlab-Token") or ""
        return hmac.compare_digest(given.encode(), secret.encode())

    @staticmethod
    def event(headers, payload):
        """What a delivery says (``None``: an event CAP does not snapshot)."""
        kind = headers.get("X-Gitlab-Event")
        delivery = headers.get("X-Gitlab-Event-UUID") or ""
        project_id = str(payload.get("project_id", ""))
        ref, sha = str(payload.get("ref", "")), payload.get("checkout_sha")
        if not sha or sha == NULL_SHA:
            return None  # a deleted branch or tag
        if kind == "Push Hook" and ref.startswith("refs/heads/"):
            return Event("push", project_id, delivery, ref.removeprefix("refs/heads/"), sha)
        if kind == "Tag Push Hook" and ref.startswith("refs/tags/"):
            return Event("release", project_id, delivery, ref.removeprefix("refs/tags/"), sha)
        return None

    @staticmethod
    def project_of(headers, payload):
        """The project id a delivery names (before it is verified)."""
        return str(payload.get("project_id", ""))


CLIENTS = {"github": GitHubClient, "gitlab": GitLabClient}
"""Client class per host ``type`` of ``CAP_REPOSITORIES_HOSTS``."""

EVENT_HEADERS = {"github": "X-GitHub-Event", "gitlab": "X-Gitlab-Event"}
"""The header that says a request is a delivery of that host type."""
