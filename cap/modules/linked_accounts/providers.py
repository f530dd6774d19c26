"""What each kind of provider does at its OAuth endpoints, beyond the code exchange
(which invenio-oauthclient runs): who the token is, refresh it, revoke it.

- GitHub: the account is ``GET /user``; OAuth app tokens do not expire; a
  grant is revoked with ``DELETE /applications/{client_id}/grant`` (basic
  auth with the client's id and secret, body ``{access_token}``), which
  ends every token of the grant.
- GitLab: ``GET /user``; tokens expire (2 h) and are refreshed at
  ``/oauth/token`` (``grant_type=refresh_token``); revoked at ``/oauth/revoke``
  (RFC 7009).
- Zenodo (invenio-oauth2server): the token answer names the user
  (``user.id``); tokens expire and are refreshed at ``/oauth/token``; there
  is no revocation endpoint: the grant stays listed at the provider until
  the user removes it there (CAP forgets the token).
"""

from datetime import UTC, datetime, timedelta

import requests
from flask import current_app

from ..core.errors import UpstreamTimeoutError, UpstreamUnavailableError
from ..repositories.providers import CLIENTS


def oauth_call(settings, method, path, **kwargs):
    """A call to ``oauth_url + path``; the decoded JSON answer (``{}`` when empty).

    A refused call (4xx) answers the provider's OAuth error body, a
    ``dict`` with ``error``; it is the caller's to read.
    """
    url = f"{settings['oauth_url'].rstrip('/')}{path}"
    title = settings.get("title", url)
    try:
        response = requests.request(method, url, headers={"Accept": "application/json"},
                                    timeout=current_app.config["CAP_LINKED_ACCOUNTS_TIMEOUT"],
                                    **kwargs)
    except requests.Timeout:
        raise UpstreamTimeoutError(f"{title} did not answer in time.") from None
    except requests.ConnectionError:
        raise UpstreamUnavailableError(f"{title} cannot be reached.") from None
    if response.status_code >= 500:
        raise UpstreamUnavailableError(f"{title} answered HTTP {response.status_code}.")
    try:
        body = response.json() if response.content else {}
    except ValueError:
        raise UpstreamUnavailableError(f"{title} answered something not JSON.") from None
    if response.status_code >= 400 and not (isinstance(body, dict) and body.get("error")):
        raise UpstreamUnavailableError(f"{title} answered HTTP {response.status_code}.")
    return body


def expiry(answer):
    """When a token answer's access token expires (``None``: it does not say)."""
    seconds = answer.get("expires_in")
    if seconds in (None, ""):
        return None
    return datetime.now(UTC) + timedelta(seconds=int(seconds))


class Provider:
    """A kind of provider; ``settings`` is its entry of ``CAP_LINKED_ACCOUNTS``."""

    revocable = True
    token_path = "/token"
    """Where, under ``oauth_url``, codes and refresh tokens are exchanged."""

    def __init__(self, name, settings):
        """Bind to one configured account type."""
        self.name, self.settings = name, settings

    def client_config(self):
        """What the remote app reads lazily (``CAP_LINKED_<NAME>_CLIENT``)."""
        base = self.settings["oauth_url"].rstrip("/")
        return {"base_url": f"{base}/", "authorize_url": f"{base}/authorize",
                "access_token_url": f"{base}{self.token_path}",
                "consumer_key": self.settings["client_id"],
                "consumer_secret": self.settings["client_secret"],
                "request_token_params": {"scope": self.settings.get("scope", "")}}

    @property
    def title(self):
        """What users call it."""
        return self.settings.get("title") or self.name

    def refresh(self, refresh_token):
        """A new token answer for ``refresh_token`` (raises when refused)."""
        answer = oauth_call(self.settings, "POST", self.token_path, data={
            "grant_type": "refresh_token", "refresh_token": refresh_token,
            "client_id": self.settings["client_id"],
            "client_secret": self.settings["client_secret"]})
        if answer.get("error") or not answer.get("access_token"):
            raise UpstreamUnavailableError(
                f"{self.title} refused to renew CAP's access "
                f"({answer.get('error_description') or answer.get('error')}): link the "
                "account again.")
        return answer


class GitProvider(Provider):
    """GitHub or GitLab: the account and its repositories through the host's API."""

    @property
    def host(self):
        """The web host of ``CAP_REPOSITORIES_HOSTS`` the token is used at."""
        return self.settings["host"]

    def client(self, token):
        """The repositories API client of the host, with the user's token."""
        config = current_app.config
        hosts = config["CAP_REPOSITORIES_HOSTS"]
        if self.host not in hosts:
            raise UpstreamUnavailableError(
                f"{self.host} is not a configured git host (CAP_REPOSITORIES_HOSTS).")
        settings = hosts[self.host]
        return CLIENTS[settings["type"]].from_config(self.host, settings, config,
                                                     user_token=token)

    def account(self, answer):
        """``{id, login, name, url}`` of the account a token answer is for."""
        return self.client(answer["access_token"]).user()


class GitHubProvider(GitProvider):
    """github.com."""

    token_path = "/access_token"

    def revoke(self, token):
        """End the grant at GitHub (already gone is fine)."""
        client = self.client(None)
        answer = client.session.request(
            "DELETE", f"{client.api_url}/applications/{self.settings['client_id']}/grant",
            auth=(self.settings["client_id"], self.settings["client_secret"]),
            json={"access_token": token}, headers={"Accept": "application/vnd.github+json"},
            timeout=current_app.config["CAP_LINKED_ACCOUNTS_TIMEOUT"])
        if answer.status_code not in (204, 404, 422):
            raise UpstreamUnavailableError(f"GitHub answered HTTP {answer.status_code}.")


class GitLabProvider(GitProvider):
    """A GitLab instance (gitlab.cern.ch ...)."""

    def revoke(self, token):
        """Revoke the token (RFC 7009: an unknown token is fine too)."""
        answer = oauth_call(self.settings, "POST", "/revoke", data={
            "token": token, "client_id": self.settings["client_id"],
            "client_secret": self.settings["client_secret"]})
        if answer.get("error") and answer["error"] != "invalid_token":
            raise UpstreamUnavailableError(f"GitLab refused the revocation ({answer['error']}).")


class ZenodoProvider(Provider):
    """Zenodo (or its sandbox)."""

    revocable = False

    def account(self, answer):
        """The user the token answer names."""
        user = answer.get("user") or {}
        if not user.get("id"):
            raise UpstreamUnavailableError("Zenodo's token answer names no user.")
        return {"id": str(user["id"]), "login": user.get("email") or f"user {user['id']}",
                "name": "", "url": None}

    def revoke(self, token):
        """Zenodo has no revocation endpoint (see the module's docstring)."""


PROVIDERS = {"github": GitHubProvider, "gitlab": GitLabProvider, "zenodo": ZenodoProvider}
"""Provider class per ``kind``."""
