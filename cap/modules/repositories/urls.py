"""Repository URLs as users paste them: which host, repository, ref and file."""

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from ..core.errors import InvalidRequestError, field_error


@dataclass(frozen=True)
class RepositoryURL:
    """A repository (``owner`` may hold GitLab subgroups: ``a/b``) and what of it."""

    host: str
    owner: str
    name: str
    ref: str | None = None
    """Branch, tag or commit; ``None``: the default branch."""
    path: str | None = None
    """One file of the repository; ``None``: all of it."""

    @property
    def web_url(self):
        """The repository's page."""
        return f"https://{self.host}/{self.owner}/{self.name}"


# After the repository: /tree/<ref>, /blob/<ref>/<path>, /commit/<sha>,
# /releases/tag/<tag> (GitHub), the same after /-/ and /tags/<tag> (GitLab).
_REF = re.compile(
    r"^(?:-/)?(?:(?P<kind>tree|blob|commit|commits|tags|releases/tag|raw)/(?P<ref>[^/]+)"
    r"(?:/(?P<path>.+))?)?/?$"
)
NAME = re.compile(r"^[\w.-]+$")
"""What a repository (or owner) name may be made of."""


def _refuse(message):
    raise InvalidRequestError(message, [field_error("url", message)])


def parse_repository_url(url, hosts):
    """The :class:`RepositoryURL` of ``url`` on one of ``hosts``; 400 naming ``url`` otherwise."""
    if not isinstance(url, str) or not url.strip():
        _refuse("Give the repository's URL (https://github.com/<owner>/<repository>...).")
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or host not in hosts:
        _refuse(f"Not a repository URL of a known host ({', '.join(sorted(hosts))}).")
    segments = [unquote(s) for s in parts.path.strip("/").split("/") if s]
    if "-" in segments:  # GitLab: everything before /-/ is the project path
        cut = segments.index("-")
        project, rest = segments[:cut], segments[cut + 1:]
    elif hosts[host]["type"] == "gitlab":
        project, rest = segments, []
    else:
        project, rest = segments[:2], segments[2:]
    if len(project) < 2 or (hosts[host]["type"] == "github" and len(project) != 2):
        _refuse("The URL names no repository (https://<host>/<owner>/<repository>).")
    name = project[-1].removesuffix(".git")
    owner = "/".join(project[:-1])
    if not all(NAME.match(part) for part in [*project[:-1], name]):
        _refuse("The repository's owner or name has characters a git host does not allow.")
    match = _REF.match("/".join(rest))
    if rest and not match:
        _refuse("The URL names no branch, tag, commit or file of the repository.")
    ref = match.group("ref") if rest else None
    path = match.group("path") if rest else None
    if path and match.group("kind") not in ("blob", "raw"):
        _refuse("A file is named with /blob/<ref>/<path>.")
    return RepositoryURL(host, owner, name, ref, path)
