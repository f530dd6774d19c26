"""A fake GitHub REST API v3 and a fake GitLab API v4 on 127.0.0.1.

Both serve the same kind of state: repositories with branches, tags and
commits whose trees are small analysis repositories; archives are real
tar.gz files (one top directory, as the real ones); hooks created through
the API are kept and can be sent signed deliveries (GitHub: ``X-Hub-Signature-256``
HMAC-SHA256 of the body with the hook's secret; GitLab: ``X-Gitlab-Token``).

Shapes follow the real APIs (the fields CAP reads, plus the usual company):

- GitHub: ``GET /repos/{owner}/{repo}``, ``GET /repos/{o}/{r}/commits/{ref}``,
  ``GET /repos/{o}/{r}/tarball/{ref}`` (302 to a codeload-like URL),
  ``GET /repos/{o}/{r}/contents/{path}?ref=`` (raw with
  ``Accept: application/vnd.github.raw``), ``POST|GET|DELETE /repos/{o}/{r}/hooks[/{id}]``,
  ``POST /repos/{o}/{r}/hooks/{id}/pings``, ``POST /orgs/{org}/repos``;
- GitLab (base ``/api/v4``): ``GET /projects/{id|path}``,
  ``GET /projects/{id}/repository/commits/{ref}``,
  ``GET /projects/{id}/repository/archive.tar.gz?sha=``,
  ``GET /projects/{id}/repository/files/{path}/raw?ref=``,
  ``POST|GET|DELETE /projects/{id}/hooks[/{id}]``, ``GET /groups/{id|path}``,
  ``POST /projects``.

Private repositories answer 404 without a token (as both do); hooks need a
token from ``tokens`` (the instance's service account) or the OAuth token of
one of the repository's ``members`` (its maintainers): another account's
token gets 404 (GitHub) or 403 (GitLab), as at the real hosts. Each hook
remembers who created it (``creator``: the login, or ``None`` for the
instance's token) and ``hook_calls`` lists ``(method, hook id, login)`` of
every hook call, refused ones included.

OAuth (account linking, :mod:`fakes.oauth`): GitHub ``GET /login/oauth/authorize``,
``POST /login/oauth/access_token`` (refusals are 200 with ``error``, as
GitHub's), ``GET /user``, ``GET /user/repos``, ``DELETE
/applications/{client_id}/grant``; GitLab ``GET /oauth/authorize``, ``POST
/oauth/token`` (codes and refresh tokens; tokens expire in 7200 s),
``POST /oauth/revoke``, ``GET /api/v4/user``, ``GET /api/v4/projects?membership=true``.
The approving account is ``oauth.login`` (``sandersson``); a user token sees
public repositories and those the account is a member of, among them a
personal private one the instance's token does not see.

``mode``: ``"normal"``, ``"down"`` (503), ``"slow"`` (sleeps ``delay`` seconds
first), ``"slow downloads"`` (only archives and raw files are slow),
``"flaky"`` (503 ``flaky_failures`` times).
``./scripts/run`` serves both as its demo GitHub and GitLab
(``scripts/lib/demo_upstreams.py``), each with a ``state_file`` that keeps
the hooks across restarts: CAP's subscriptions outlive the demo process, as
they outlive a real host's restart. Nothing else is kept (pushed commits,
repositories created through the API, linked accounts' tokens).
"""

import base64
import copy
import hashlib
import hmac
import io
import itertools
import json
import tarfile
import time
import uuid
from urllib.parse import unquote, urlencode

import requests
from werkzeug.wrappers import Response

from fakes.oauth import FakeOAuth
from fakes.upstream import FakeUpstream, StateFile

TOKEN = "demo-git-token"
"""The token the fakes accept for authenticated calls (hooks, private repositories)."""

ANALYSIS_FILES = {
    "README.md": b"# H->ZZ->4l analysis\n\nSelection, fits and plots of the 2018 data.\n",
    "Snakefile": b"rule all:\n    input: 'results/limits.json'\n",
    "analysis/selection.py": b"def select(events):\n    return events[events.n_leptons == 4]\n",
    "analysis/fit.py": b"import pyhf\n\nWORKSPACE = 'workspace.json'\n",
}

DEMO_LOGIN = "sandersson"
"""The account that approves OAuth requests at both fakes."""

DEMO_USERS = {DEMO_LOGIN: {"name": "Sofia Andersson", "github_id": 5829301, "gitlab_id": 4411}}

_sha_counter = itertools.count(1)


def new_sha(seed):
    """A 40-hex commit id, different each time."""
    return hashlib.sha1(f"{seed}-{next(_sha_counter)}".encode()).hexdigest()


def tarball(prefix, files):
    """A real gzipped tar of ``files`` under the directory ``prefix``."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for path, content in sorted(files.items()):
            info = tarfile.TarInfo(f"{prefix}/{path}")
            info.size, info.mtime, info.mode = len(content), 1700000000, 0o644
            archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


class FakeRepository:
    """One repository: commits (sha -> files), branches and tags (name -> sha), hooks."""

    def __init__(self, repo_id, owner, name, private=False, files=None, members=(),
                 instance=True):
        """A repository with a ``main`` branch holding ``files`` and a ``v1.0.0`` tag.

        ``members``: accounts whose OAuth tokens see it (and list it);
        ``instance``: whether the instance's token sees it when private.
        """
        self.id, self.owner, self.name, self.private = repo_id, owner, name, private
        self.members, self.instance = set(members), instance
        self.default_branch = "main"
        first = new_sha(f"{owner}/{name}")
        self.commits = {first: dict(files or ANALYSIS_FILES)}
        self.messages = {first: "Initial analysis code"}
        self.branches = {"main": first}
        self.tags = {"v1.0.0": first}
        self.hooks = {}

    @property
    def full_name(self):
        """``owner/name``."""
        return f"{self.owner}/{self.name}"

    def resolve(self, ref):
        """The commit sha of a branch, tag or (abbreviated) sha, or ``None``."""
        if ref in self.branches:
            return self.branches[ref]
        if ref in self.tags:
            return self.tags[ref]
        matches = [sha for sha in self.commits if len(ref) >= 7 and sha.startswith(ref)]
        return matches[0] if len(matches) == 1 else None

    def push(self, branch, files, message="Update the analysis"):
        """A new commit on ``branch`` with ``files`` changed; returns its sha."""
        parent = self.branches.get(branch, self.branches[self.default_branch])
        # Random: a push after a restart of the demo is a new commit too (the seeded
        # commits repeat, so what CAP snapshotted of them still matches).
        sha = new_sha(f"{self.full_name}-{uuid.uuid4()}")
        self.commits[sha] = {**self.commits[parent], **files}
        self.messages[sha] = message
        self.branches[branch] = sha
        return sha

    def tag(self, name, branch="main"):
        """Tag the head of ``branch``; returns the sha."""
        self.tags[name] = self.branches[branch]
        return self.tags[name]


class FakeGitHost(FakeUpstream):
    """What both fakes share: repositories, tokens, misbehaviour, deliveries."""

    host = ""
    token_prefix, token_lifetime = "", None

    def __init__(self, state_file=None):
        """Start with the demo repositories, and the hooks ``state_file`` kept (if any)."""
        super().__init__()
        self.state_file = StateFile(state_file)
        self.repositories = {}
        self.tokens = {TOKEN}
        self.hook_calls = []
        self.oauth = self.new_oauth()
        self.seed()
        self.load_hooks()

    def new_oauth(self):
        """Fresh OAuth state, ``sandersson`` approving."""
        oauth = FakeOAuth(self.token_prefix, self.token_lifetime)
        oauth.login = DEMO_LOGIN
        return oauth

    def seed(self):
        """The demo repositories (subclasses say which)."""

    def reset(self):
        """Back to normal, calls forgotten, the demo repositories as they were."""
        super().reset()
        self.repositories = {}
        self.hook_calls = []
        self.oauth = self.new_oauth()
        self.seed()
        self.save_hooks()

    def load_hooks(self):
        """The hooks of ``state_file`` back on their repositories; new hook ids follow the
        kept ones (hosts never reuse one, and CAP knows its hooks by id)."""
        state = self.state_file.load()
        for full_name, hooks in state.get("hooks", {}).items():
            repository = self.find(full_name)
            if repository is not None:  # one created through the API is not kept
                repository.hooks = {hook["id"]: hook for hook in hooks}
        kept = [hook_id for r in self.repositories.values() for hook_id in r.hooks]
        self._hook_ids = itertools.count(max(kept, default=400000000) + 1)

    def save_hooks(self):
        """Write every repository's hooks to ``state_file`` (when there is one)."""
        self.state_file.save({"hooks": {r.full_name: list(r.hooks.values())
                                        for r in self.repositories.values() if r.hooks}})

    def keep_hook(self, repository, hook):
        """Add a hook created through the API; returns it."""
        repository.hooks[hook["id"]] = hook
        self.save_hooks()
        return hook

    def drop_hook(self, repository, hook_id):
        """Remove a hook deleted through the API."""
        del repository.hooks[hook_id]
        self.save_hooks()

    def add(self, repository):
        """Add ``repository``; returns it."""
        self.repositories[repository.full_name.lower()] = repository
        return repository

    def find(self, full_name):
        """The repository ``owner/name`` (any case), or ``None``."""
        return self.repositories.get(full_name.lower())

    def authorized(self, request):
        """Whether the request carries a known token."""
        header = request.headers.get("Authorization", "")
        token = header.split(" ", 1)[1] if " " in header else ""
        return (token or request.headers.get("PRIVATE-TOKEN")) in self.tokens

    def visible(self, repository, request):
        """Private repositories are invisible (404) to a token that may not see them."""
        if repository is None or not repository.private:
            return repository is not None
        if self.authorized(request):
            return repository.instance
        return self.oauth.user_of(request) in repository.members

    def member_repositories(self, request):
        """The repositories of the OAuth token's account, or ``None`` without one."""
        login = self.oauth.user_of(request)
        if login is None:
            return None
        return [r for r in self.repositories.values() if login in r.members]

    def hook_caller(self, repository, request):
        """Who may manage the repository's hooks with this request's token: ``(True,
        login)`` (``None``: the instance's token), or ``(False, login)``."""
        if self.authorized(request):
            return True, None
        login = self.oauth.user_of(request)
        return login is not None and login in repository.members, login

    @property
    def root(self):
        """The server's root URL (OAuth endpoints are outside the API's base path)."""
        return f"http://127.0.0.1:{self.server.server_port}"

    def answer(self, request):
        """The response, misbehaving as ``mode`` says."""
        if request.method == "POST" and request.path.rstrip("/").endswith("/_fake/push"):
            return self.demo_push(request)
        if self.mode == "down":
            return Response("<html>503 Service Unavailable</html>", status=503,
                            content_type="text/html")
        if self.mode == "flaky" and self.flaky_failures > 0:
            self.flaky_failures -= 1
            return Response("<html>502 Bad Gateway</html>", status=502, content_type="text/html")
        if self.mode == "slow" or (self.mode == "slow downloads" and self.is_download(request)):
            time.sleep(self.delay)
        return self.route(request)

    @staticmethod
    def is_download(request):
        """Whether the request fetches an archive or a raw file."""
        return any(part in request.path for part in ("/codeload/", "/archive.tar.gz", "/raw",
                                                     "/contents/"))

    @staticmethod
    def json(body, status=200, headers=None):
        """A JSON response."""
        return Response(json.dumps(body), status=status, content_type="application/json",
                        headers=headers)

    @staticmethod
    def public_hook(hook):
        """A hook as the API shows it: without its secret and the fake's own notes."""
        return {k: v for k, v in hook.items() if k not in ("secret", "token", "creator")}

    def hook_of(self, hook_id):
        """``(repository, hook)`` of a hook id, or ``(None, None)``."""
        for repository in self.repositories.values():
            if hook_id in repository.hooks:
                return repository, repository.hooks[hook_id]
        return None, None

    def demo_push(self, request):
        """``POST .../_fake/push {repository, branch, tag?, deliver?}``: a new commit on the
        branch (tagged when ``tag`` is given), delivered to the repository's hooks of that
        event unless ``deliver`` is false (to sign and send the delivery oneself).

        For the demo (``./scripts/run``), where the fake's state is in another process.
        """
        body = request.get_json(force=True, silent=True) or {}
        repository = self.find(str(body.get("repository", "")))
        if repository is None:
            return self.json({"message": "Not Found"}, 404)
        branch, tag = body.get("branch") or repository.default_branch, body.get("tag")
        sha = repository.push(branch, {"CHANGELOG.md": b"Pushed for the demo\n"},
                              message=body.get("message") or "Demo push")
        if tag:
            repository.tag(tag, branch)
        delivered = []
        for hook_id in list(repository.hooks) if body.get("deliver", True) else ():
            event = self.event_of(repository.hooks[hook_id], tag)
            if event:
                answer = self.deliver(hook_id, event, branch=branch, tag=tag)
                delivered.append({"hook": hook_id, "event": event, "status": answer.status_code})
        return self.json({"sha": sha, "deliveries": delivered})

    def deliver(self, hook_id, event, **kwargs):
        """POST a signed delivery of ``event`` to the hook's URL (demo use)."""
        headers, body = self.delivery(hook_id, event, **kwargs)
        return requests.post(self.hook_url(hook_id), data=body, headers=headers, timeout=10)


class FakeGitHub(FakeGitHost):
    """The fake api.github.com (its base URL is the server's root)."""

    host = "github.com"

    token_prefix = "gho_"

    def seed(self):
        """A public CMS analysis, a private one, and a personal private one of ``sandersson``."""
        self.add(FakeRepository(482910337, "cms-hig", "hzz4l-analysis", members={DEMO_LOGIN}))
        self.add(FakeRepository(482910338, "cms-hig", "hzz4l-private", private=True,
                                members={DEMO_LOGIN}))
        self.add(FakeRepository(482910339, DEMO_LOGIN, "thesis-fits", private=True,
                                members={DEMO_LOGIN}, instance=False))

    @property
    def oauth_url(self):
        """``oauth_url`` of CAP's linked GitHub accounts."""
        return f"{self.root}/login/oauth"

    def route_oauth(self, request, parts):
        """GitHub's OAuth app endpoints and the token's account; ``None``: not one of them."""
        if parts == ["login", "oauth", "authorize"]:
            return self.oauth.authorize(request)
        if parts == ["login", "oauth", "access_token"] and request.method == "POST":
            ok, body = self.oauth.exchange(request.form)
            if not ok and body["error"] == "invalid_grant":  # GitHub's own names
                body = {"error": "bad_verification_code",
                        "error_description": "The code passed is incorrect or expired.",
                        "error_uri": "https://docs.github.com/apps/managing-oauth-apps/"
                                     "troubleshooting-oauth-app-access-token-request-errors"}
            elif not ok and body["error"] == "invalid_client":
                body = {"error": "incorrect_client_credentials",
                        "error_description": "The client_id and/or client_secret passed "
                                             "are incorrect."}
            if "json" in request.headers.get("Accept", ""):
                return self.json(body)
            return Response(urlencode(body), status=200,
                            content_type="application/x-www-form-urlencoded")
        if parts[:1] == ["applications"] and parts[2:] == ["grant"] \
                and request.method == "DELETE":
            auth = request.authorization
            if auth is None or self.oauth.clients.get(parts[1]) != auth.password \
                    or auth.username != parts[1]:
                return self.json({"message": "Bad credentials"}, 401)
            token = (request.get_json(force=True, silent=True) or {}).get("access_token")
            if not self.oauth.revoke(token):
                return self.json({"message": "Not Found"}, 404)
            return Response("", status=204)
        if parts == ["user"]:
            login = self.oauth.user_of(request)
            if login is None:
                return self.json({"message": "Requires authentication"}, 401)
            return self.json({"login": login, "id": DEMO_USERS[login]["github_id"],
                              "node_id": "U_kgDOAFjXHQ", "type": "User",
                              "name": DEMO_USERS[login]["name"],
                              "html_url": f"https://github.com/{login}",
                              "company": "CERN", "public_repos": 4})
        if parts == ["user", "repos"]:
            repositories = self.member_repositories(request)
            if repositories is None:
                return self.json({"message": "Requires authentication"}, 401)
            return self.json([self.repo_json(r) for r in repositories])
        return None

    def repo_json(self, repository):
        """A repository as ``GET /repos/{owner}/{repo}`` answers it."""
        full = repository.full_name
        return {
            "id": repository.id, "node_id": f"R_kgDO{repository.id}", "name": repository.name,
            "full_name": full, "private": repository.private,
            "owner": {"login": repository.owner, "id": 91120000, "type": "Organization"},
            "html_url": f"https://github.com/{full}", "description": "CMS analysis code",
            "url": f"https://api.github.com/repos/{full}",
            "clone_url": f"https://github.com/{full}.git",
            "default_branch": repository.default_branch,
            "visibility": "private" if repository.private else "public",
            "size": 112, "pushed_at": "2026-11-30T10:12:44Z",
        }

    def commit_json(self, repository, sha):
        """A commit as ``GET /repos/{o}/{r}/commits/{ref}`` answers it."""
        return {
            "sha": sha, "node_id": f"C_{sha[:12]}",
            "commit": {"message": repository.messages[sha],
                       "author": {"name": "Sofia Andersson", "email": "sofia.andersson@cern.ch",
                                  "date": "2026-11-30T10:12:44Z"}},
            "html_url": f"https://github.com/{repository.full_name}/commit/{sha}",
            "files": [],
        }

    def route(self, request):
        """The GitHub API proper."""
        parts = [unquote(p) for p in request.path.strip("/").split("/")]
        oauth = self.route_oauth(request, parts)
        if oauth is not None:
            return oauth
        if parts[:1] == ["codeload"] and len(parts) == 5:
            repository = self.find(f"{parts[1]}/{parts[2]}")
            sha = parts[4]
            if repository is None or sha not in repository.commits:
                return self.json({"message": "Not Found"}, 404)
            prefix = f"{repository.owner}-{repository.name}-{sha[:7]}"
            return Response(tarball(prefix, repository.commits[sha]), status=200,
                            content_type="application/x-gzip")
        if parts[:1] == ["orgs"] and parts[2:] == ["repos"] and request.method == "POST":
            return self.create_repository(request, parts[1])
        if parts[:1] != ["repos"] or len(parts) < 3:
            return self.json({"message": "Not Found",
                              "documentation_url": "https://docs.github.com/rest"}, 404)
        repository = self.find(f"{parts[1]}/{parts[2]}")
        if not self.visible(repository, request):
            return self.json({"message": "Not Found",
                              "documentation_url": "https://docs.github.com/rest"}, 404)
        rest = parts[3:]
        if not rest and request.method == "GET":
            return self.json(self.repo_json(repository))
        if rest[:1] == ["commits"] and len(rest) >= 2:
            sha = repository.resolve("/".join(rest[1:]))
            if sha is None:
                return self.json({"message": f"No commit found for SHA: {'/'.join(rest[1:])}",
                                  "documentation_url": "https://docs.github.com/rest"}, 422)
            return self.json(self.commit_json(repository, sha))
        if rest[:1] == ["tarball"]:
            sha = repository.resolve("/".join(rest[1:]) or repository.default_branch)
            if sha is None:
                return self.json({"message": "Not Found"}, 404)
            location = f"/codeload/{repository.owner}/{repository.name}/legacy.tar.gz/{sha}"
            return Response("", status=302, headers={"Location": location})
        if rest[:1] == ["contents"] and len(rest) >= 2:
            sha = repository.resolve(request.args.get("ref") or repository.default_branch)
            path = "/".join(rest[1:])
            content = repository.commits.get(sha, {}).get(path)
            if content is None:
                return self.json({"message": "Not Found"}, 404)
            if "application/vnd.github.raw" in request.headers.get("Accept", ""):
                return Response(content, status=200, content_type="application/octet-stream")
            return self.json({"type": "file", "name": path.rsplit("/", 1)[-1], "path": path,
                              "sha": hashlib.sha1(content).hexdigest(), "size": len(content),
                              "encoding": "base64", "content": base64.b64encode(content).decode()})
        if rest[:1] == ["hooks"]:
            return self.hooks(request, repository, rest[1:])
        return self.json({"message": "Not Found"}, 404)

    def create_repository(self, request, org):
        """``POST /orgs/{org}/repos``: a new repository with a README, by the instance's
        token or the OAuth token of a member of the organisation (who then admins it)."""
        login = None if self.authorized(request) else self.oauth.user_of(request)
        if login is None and not self.authorized(request):
            return self.json({"message": "Requires authentication"}, 401)
        if login is not None and not any(r.owner == org and login in r.members
                                         for r in self.repositories.values()):
            return self.json({"message": "Not Found",
                              "documentation_url": "https://docs.github.com/rest"}, 404)
        body = request.get_json(force=True, silent=True) or {}
        name = str(body.get("name") or "")
        if not name or self.find(f"{org}/{name}"):
            return self.json({"message": "Repository creation failed.", "errors": [
                {"resource": "Repository", "code": "custom", "field": "name",
                 "message": "name already exists on this account"}]}, 422)
        files = {"README.md": f"# {name}\n\n{body.get('description') or ''}\n".encode()}
        if body.get("license_template"):
            files["LICENSE"] = f"{body['license_template'].upper()} License\n".encode()
        repository = self.add(FakeRepository(
            482910400 + len(self.repositories), org, name, private=bool(body.get("private")),
            files=files, members={login} if login else (),
        ))
        return self.json(self.repo_json(repository), 201)

    def hooks(self, request, repository, rest):
        """Repository webhooks (the instance's token or a maintainer's OAuth token)."""
        allowed, login = self.hook_caller(repository, request)
        self.hook_calls.append((request.method, rest[0] if rest else None, login))
        if not allowed:
            if login is not None:  # GitHub hides hooks from who may not admin them
                return self.json({"message": "Not Found",
                                  "documentation_url": "https://docs.github.com/rest"}, 404)
            return self.json({"message": "Requires authentication",
                              "documentation_url": "https://docs.github.com/rest"}, 401)
        if not rest and request.method == "GET":
            return self.json([self.public_hook(h) for h in repository.hooks.values()])
        if not rest and request.method == "POST":
            body = request.get_json(force=True, silent=True) or {}
            config = body.get("config") or {}
            if not config.get("url"):
                return self.json({"message": "Validation Failed",
                                  "errors": [{"resource": "Hook", "code": "custom",
                                              "message": "Config must contain url"}]}, 422)
            hook_id = next(self._hook_ids)
            hook = {
                "type": "Repository", "id": hook_id, "name": "web",
                "active": body.get("active", True), "events": body.get("events", ["push"]),
                "config": {"url": config["url"], "content_type": config.get("content_type"),
                           "insecure_ssl": "0", "secret": "********"},
                "created_at": "2026-12-01T09:00:00Z", "updated_at": "2026-12-01T09:00:00Z",
                "url": f"https://api.github.com/repos/{repository.full_name}/hooks/{hook_id}",
                "secret": config.get("secret"), "creator": login,
            }
            return self.json(self.public_hook(self.keep_hook(repository, hook)), 201)
        hook = repository.hooks.get(int(rest[0])) if rest and rest[0].isdigit() else None
        if hook is None:
            return self.json({"message": "Not Found"}, 404)
        if len(rest) == 2 and rest[1] == "pings" and request.method == "POST":
            return Response("", status=204)
        if request.method == "DELETE":
            self.drop_hook(repository, hook["id"])
            return Response("", status=204)
        return self.json(self.public_hook(hook))

    def hook_url(self, hook_id):
        """Where the hook delivers."""
        return self.hook_of(hook_id)[1]["config"]["url"]

    @staticmethod
    def event_of(hook, tag):
        """The event a demo push (a release when ``tag``) sends to ``hook``, if any."""
        event = "release" if tag else "push"
        return event if event in hook["events"] else None

    def delivery(self, hook_id, event, branch="main", tag=None, secret=None, delivery_id=None):
        """``(headers, body)`` of a signed GitHub delivery of ``event`` by the hook.

        ``event``: ``push`` (of ``branch``'s head), ``release`` (of ``tag``) or
        ``ping``; ``secret`` replaces the hook's (a forged signature).
        """
        repository, hook = self.hook_of(hook_id)
        repo = {"id": repository.id, "name": repository.name, "full_name": repository.full_name,
                "private": repository.private,
                "owner": {"login": repository.owner, "name": repository.owner},
                "html_url": f"https://github.com/{repository.full_name}",
                "default_branch": repository.default_branch}
        sender = {"login": "sandersson", "id": 5829301, "type": "User"}
        if event == "push":
            sha = repository.branches[branch]
            commit = {"id": sha, "message": repository.messages[sha],
                      "timestamp": "2026-12-01T09:30:00Z",
                      "url": f"https://github.com/{repository.full_name}/commit/{sha}",
                      "author": {"name": "Sofia Andersson", "username": "sandersson"},
                      "added": [], "removed": [], "modified": ["analysis/selection.py"]}
            payload = {"ref": f"refs/heads/{branch}", "before": "0" * 40, "after": sha,
                       "created": False, "deleted": False, "forced": False,
                       "compare": f"https://github.com/{repository.full_name}/compare",
                       "commits": [commit], "head_commit": commit, "repository": repo,
                       "pusher": {"name": "sandersson"}, "sender": sender}
        elif event == "release":
            payload = {"action": "published",
                       "release": {"id": 130001, "tag_name": tag, "name": f"Release {tag}",
                                   "target_commitish": repository.default_branch,
                                   "html_url": f"https://github.com/{repository.full_name}"
                                               f"/releases/tag/{tag}",
                                   "draft": False, "prerelease": False,
                                   "published_at": "2026-12-01T09:30:00Z"},
                       "repository": repo, "sender": sender}
        else:
            payload = {"zen": "Keep it logically awesome.", "hook_id": hook_id,
                       "hook": self.public_hook(hook),
                       "repository": repo, "sender": sender}
        body = json.dumps(payload).encode()
        key = (secret if secret is not None else hook["secret"]).encode()
        signature = "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()
        headers = {"Content-Type": "application/json", "User-Agent": "GitHub-Hookshot/4f8a2c1",
                   "X-GitHub-Event": event, "X-GitHub-Delivery": delivery_id or str(uuid.uuid4()),
                   "X-GitHub-Hook-ID": str(hook_id), "X-Hub-Signature-256": signature}
        return headers, body


class FakeGitLab(FakeGitHost):
    """The fake GitLab API v4 (base URL ends in ``/api/v4``), as gitlab.cern.ch."""

    host = "gitlab.cern.ch"
    base_path = "/api/v4"
    token_prefix, token_lifetime = "glo_", 7200

    def seed(self):
        """A public and a private CMS project, and a personal private one of ``sandersson``."""
        self.add(FakeRepository(15824, "cms-hig", "hzz4l-fits", members={DEMO_LOGIN}))
        self.add(FakeRepository(15825, "cms-hig", "hzz4l-internal", private=True,
                                members={DEMO_LOGIN}))
        self.add(FakeRepository(15826, DEMO_LOGIN, "thesis-notebooks", private=True,
                                members={DEMO_LOGIN}, instance=False))

    @property
    def oauth_url(self):
        """``oauth_url`` of CAP's linked GitLab accounts."""
        return f"{self.root}/oauth"

    def route_oauth(self, request, path):
        """GitLab's OAuth provider (Doorkeeper); ``None``: not one of its paths."""
        if path == "/oauth/authorize":
            return self.oauth.authorize(request)
        if path == "/oauth/token" and request.method == "POST":
            auth = request.authorization
            ok, body = self.oauth.exchange(
                request.form, (auth.username, auth.password) if auth else None)
            if ok:
                return self.json({**body, "token_type": "Bearer", "created_at": int(time.time())})
            return self.json(body, 401 if body["error"] == "invalid_client" else 400)
        if path == "/oauth/revoke" and request.method == "POST":
            if self.oauth.clients.get(request.form.get("client_id")) != \
                    request.form.get("client_secret"):
                return self.json({"error": "invalid_client",
                                  "error_description": "Client authentication failed."}, 401)
            self.oauth.revoke(request.form.get("token"))
            return self.json({})  # RFC 7009: an unknown token is no error
        return None

    def viewer_json(self, request):
        """``GET /user`` of the token's account, or ``None``."""
        login = self.oauth.user_of(request)
        if login is None:
            return None
        return {"id": DEMO_USERS[login]["gitlab_id"], "username": login,
                "name": DEMO_USERS[login]["name"], "state": "active",
                "web_url": f"https://{self.host}/{login}",
                "avatar_url": None, "email": f"{login}@cern.ch"}

    GROUPS = {"cms-hig": 3012, "atlas-cap": 3107}
    """The groups (path -> id) projects may be created in."""

    def group(self, key):
        """The path of the group of an id or a path, or ``None``."""
        if key.isdigit():
            return next((path for path, id_ in self.GROUPS.items() if id_ == int(key)), None)
        return key if key in self.GROUPS else None

    def project(self, key):
        """The project of an id or a (url-encoded) path."""
        if key.isdigit():
            return next((r for r in self.repositories.values() if r.id == int(key)), None)
        return self.find(key)

    def project_json(self, repository):
        """A project as ``GET /projects/:id`` answers it."""
        full = repository.full_name
        web = f"https://{self.host}/{full}"
        return {
            "id": repository.id, "name": repository.name, "path": repository.name,
            "path_with_namespace": full, "name_with_namespace": f"{repository.owner} / "
                                                               f"{repository.name}",
            "namespace": {"id": self.GROUPS.get(repository.owner, 3012),
                          "name": repository.owner, "path": repository.owner,
                          "kind": "group", "full_path": repository.owner},
            "default_branch": repository.default_branch,
            "visibility": "private" if repository.private else "public",
            "web_url": web, "http_url_to_repo": f"{web}.git",
            "last_activity_at": "2026-11-30T10:12:44.000Z",
        }

    def route(self, request):
        """The GitLab API proper."""
        # The raw path: a project path is one url-encoded segment (``cms-hig%2Fhzz4l-fits``).
        path = request.environ.get("RAW_URI", request.path).split("?")[0]
        oauth = self.route_oauth(request, path)
        if oauth is not None:
            return oauth
        path = path[len(self.base_path):] if path.startswith(self.base_path) else path
        parts = [unquote(part) for part in path.strip("/").split("/")]
        if parts == ["user"]:
            viewer = self.viewer_json(request)
            return self.json(viewer) if viewer else self.json({"message": "401 Unauthorized"},
                                                              401)
        if parts == ["projects"] and request.method == "GET":
            repositories = self.member_repositories(request)
            if repositories is None:
                return self.json({"message": "401 Unauthorized"}, 401)
            return self.json([self.project_json(r) for r in repositories])
        if parts[:1] == ["groups"] and len(parts) == 2:
            group = self.group(parts[1])
            if group is None:
                return self.json({"message": "404 Group Not Found"}, 404)
            return self.json({"id": self.GROUPS[group], "name": group, "path": group,
                              "full_path": group, "visibility": "internal"})
        if parts == ["projects"] and request.method == "POST":
            return self.create_project(request)
        if parts[:1] != ["projects"] or len(parts) < 2:
            return self.json({"error": "404 Not Found"}, 404)
        repository = self.project(parts[1])
        if not self.visible(repository, request):
            return self.json({"message": "404 Project Not Found"}, 404)
        rest = parts[2:]
        if not rest and request.method == "GET":
            return self.json(self.project_json(repository))
        if rest[:2] == ["repository", "commits"] and len(rest) >= 3:
            sha = repository.resolve("/".join(rest[2:]))
            if sha is None:
                return self.json({"message": "404 Commit Not Found"}, 404)
            return self.json({
                "id": sha, "short_id": sha[:8], "title": repository.messages[sha],
                "message": repository.messages[sha], "author_name": "Sofia Andersson",
                "author_email": "sofia.andersson@cern.ch",
                "committed_date": "2026-11-30T10:12:44.000+01:00", "parent_ids": [],
                "web_url": f"https://{self.host}/{repository.full_name}/-/commit/{sha}",
            })
        if rest[:2] == ["repository", "archive.tar.gz"]:
            sha = repository.resolve(request.args.get("sha") or repository.default_branch)
            if sha is None:
                return self.json({"message": "404 Not Found"}, 404)
            prefix = f"{repository.name}-{sha}"
            return Response(tarball(prefix, repository.commits[sha]), status=200,
                            content_type="application/octet-stream")
        if rest[:2] == ["repository", "files"] and len(rest) == 4 and rest[3] == "raw":
            sha = repository.resolve(request.args.get("ref") or repository.default_branch)
            content = repository.commits.get(sha, {}).get(rest[2])
            if content is None:
                return self.json({"message": "404 File Not Found"}, 404)
            return Response(content, status=200, content_type="text/plain")
        if rest[:1] == ["hooks"]:
            return self.hooks(request, repository, rest[1:])
        return self.json({"error": "404 Not Found"}, 404)

    def create_project(self, request):
        """``POST /projects``: a new project in the group ``namespace_id`` (token required)."""
        if not self.authorized(request):
            return self.json({"message": "401 Unauthorized"}, 401)
        body = request.get_json(force=True, silent=True) or {}
        name, group = str(body.get("name") or ""), self.group(str(body.get("namespace_id")))
        if group is None or not str(body.get("namespace_id")).isdigit():
            return self.json({"message": {"namespace": ["is not valid"]}}, 400)
        if not name or self.find(f"{group}/{name}"):
            return self.json({"message": {"name": ["has already been taken"]}}, 400)
        repository = self.add(FakeRepository(
            15900 + len(self.repositories), group, name,
            private=body.get("visibility") != "public",
            files={"README.md": f"# {name}\n\n{body.get('description') or ''}\n".encode()},
        ))
        return self.json(self.project_json(repository), 201)

    def hooks(self, request, repository, rest):
        """Project hooks (the instance's token or a maintainer's OAuth token)."""
        allowed, login = self.hook_caller(repository, request)
        self.hook_calls.append((request.method, rest[0] if rest else None, login))
        if not allowed:
            if login is not None:
                return self.json({"message": "403 Forbidden"}, 403)
            return self.json({"message": "401 Unauthorized"}, 401)
        if not rest and request.method == "GET":
            return self.json([self.public_hook(h) for h in repository.hooks.values()])
        if not rest and request.method == "POST":
            body = request.get_json(force=True, silent=True) or request.form.to_dict()
            if not body.get("url"):
                return self.json({"error": "url is missing"}, 400)
            hook_id = next(self._hook_ids)
            hook = {
                "id": hook_id, "url": body["url"], "project_id": repository.id,
                "push_events": bool(body.get("push_events", True)),
                "push_events_branch_filter": body.get("push_events_branch_filter") or "",
                "tag_push_events": bool(body.get("tag_push_events", False)),
                "enable_ssl_verification": True, "created_at": "2026-12-01T09:00:00.000Z",
                "token": body.get("token"), "creator": login,
            }
            return self.json(self.public_hook(self.keep_hook(repository, hook)), 201)
        hook = repository.hooks.get(int(rest[0])) if rest and rest[0].isdigit() else None
        if hook is None:
            return self.json({"message": "404 Not Found"}, 404)
        if request.method == "DELETE":
            self.drop_hook(repository, hook["id"])
            return Response("", status=204)
        return self.json(self.public_hook(hook))

    def hook_url(self, hook_id):
        """Where the hook delivers."""
        return self.hook_of(hook_id)[1]["url"]

    @staticmethod
    def event_of(hook, tag):
        """The event a demo push (a tag push when ``tag``) sends to ``hook``, if any."""
        if tag:
            return "tag_push" if hook["tag_push_events"] else None
        return "push" if hook["push_events"] else None

    def delivery(self, hook_id, event, branch="main", tag=None, secret=None, delivery_id=None):
        """``(headers, body)`` of a GitLab ``push`` (of ``branch``) or ``tag_push`` (of ``tag``).

        ``secret`` replaces the hook's token (a forged delivery).
        """
        repository, hook = self.hook_of(hook_id)
        project = copy.deepcopy(self.project_json(repository))
        if event == "push":
            ref, sha, kind, name = f"refs/heads/{branch}", repository.branches[branch], \
                "push", "Push Hook"
        else:
            ref, sha, kind, name = f"refs/tags/{tag}", repository.tags[tag], "tag_push", \
                "Tag Push Hook"
        payload = {
            "object_kind": kind, "event_name": kind, "before": "0" * 40, "after": sha,
            "ref": ref, "ref_protected": True, "checkout_sha": sha,
            "message": f"Release {tag}" if tag else None,
            "user_id": 4411, "user_name": "Sofia Andersson", "user_username": "sandersson",
            "user_email": "", "project_id": repository.id, "project": project,
            "commits": [{"id": sha, "message": repository.messages[sha], "title":
                         repository.messages[sha], "timestamp": "2026-12-01T10:30:00+01:00",
                         "url": f"{project['web_url']}/-/commit/{sha}",
                         "author": {"name": "Sofia Andersson", "email": "[REDACTED]"},
                         "added": [], "modified": ["analysis/fit.py"], "removed": []}],
            "total_commits_count": 1,
            "repository": {"name": repository.name, "homepage": project["web_url"],
                           "git_http_url": project["http_url_to_repo"]},
        }
        headers = {"Content-Type": "application/json", "User-Agent": "GitLab/17.5.1",
                   "X-Gitlab-Event": name,
                   "X-Gitlab-Token": secret if secret is not None else hook["token"],
                   "X-Gitlab-Event-UUID": delivery_id or str(uuid.uuid4()),
                   "X-Gitlab-Webhook-UUID": str(uuid.uuid5(uuid.NAMESPACE_URL, str(hook_id))),
                   "X-Gitlab-Instance": f"https://{self.host}"}
        return headers, json.dumps(payload).encode()


def start_github(port=0, state_file=None):
    """A started fake GitHub (its hooks kept in ``state_file``, if given); ``.url`` is its
    API base URL."""
    fake = FakeGitHub(state_file)
    fake.url = fake.start(port)
    return fake


def start_gitlab(port=0, state_file=None):
    """A started fake GitLab (its hooks kept in ``state_file``, if given); ``.url`` is its
    API base URL (``.../api/v4``)."""
    fake = FakeGitLab(state_file)
    fake.url = fake.start(port)
    return fake


def hosts_config(github, gitlab=None):
    """``CAP_REPOSITORIES_HOSTS`` pointing CAP at the fakes (github.com only without ``gitlab``)."""
    hosts = {"github.com": {"type": "github", "api_url": github.url, "token": TOKEN}}
    if gitlab is not None:
        hosts["gitlab.cern.ch"] = {"type": "gitlab", "api_url": gitlab.url, "token": TOKEN}
    return hosts
