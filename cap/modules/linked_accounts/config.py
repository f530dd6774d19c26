"""Defaults of the linked accounts module (``CAP_LINKED_*``)."""

import os

CAP_LINKED_ACCOUNTS = {
    "github": {
        "kind": "github",
        "title": "GitHub",
        "host": "github.com",
        "oauth_url": "https://github.com/login/oauth",
        "scope": "repo read:user",
        "client_id": os.environ.get("CAP_GITHUB_CLIENT_ID", ""),
        "client_secret": os.environ.get("CAP_GITHUB_CLIENT_SECRET", ""),
    },
    "gitlab": {
        "kind": "gitlab",
        "title": "GitLab",
        "host": "gitlab.cern.ch",
        "oauth_url": "https://gitlab.cern.ch/oauth",
        "scope": "read_api read_user",
        "client_id": os.environ.get("CAP_GITLAB_CLIENT_ID", ""),
        "client_secret": os.environ.get("CAP_GITLAB_CLIENT_SECRET", ""),
    },
    "zenodo": {
        "kind": "zenodo",
        "title": "Zenodo",
        "oauth_url": "https://sandbox.zenodo.org/oauth",
        "scope": "deposit:write deposit:actions",
        "client_id": os.environ.get("CAP_ZENODO_CLIENT_ID", ""),
        "client_secret": os.environ.get("CAP_ZENODO_CLIENT_SECRET", ""),
    },
}
"""Accounts users may link: name (a remote app of ``OAUTHCLIENT_REMOTE_APPS``) ->

- ``kind``: ``github``, ``gitlab`` or ``zenodo`` (which API it speaks);
- ``host``: for git hosts, the web host of ``CAP_REPOSITORIES_HOSTS`` whose
  ``api_url`` the account's token is used with (GitLab: any host, e.g.
  gitlab.cern.ch); Zenodo's token is used with ``CAP_ZENODO_API_URL``, so
  ``oauth_url`` must be on the same Zenodo (the sandbox: sandbox.zenodo.org);
- ``oauth_url``: where ``/authorize`` and the token endpoint are
  (GitHub ``/access_token``, GitLab and Zenodo ``/token``; GitLab ``/revoke``);
- ``scope``; ``client_id`` / ``client_secret`` of the OAuth application
  registered at the provider with the callback ``<SITE_UI_URL>/oauth/authorized/<name>/``
  (from the environment; an account without a client id cannot be linked).
"""

CAP_LINKED_ACCOUNTS_TIMEOUT = 15
"""Seconds one call to a provider's OAuth endpoints may take (token exchange, refresh, revoke)."""
