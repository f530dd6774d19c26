"""The linking-only remote apps of ``OAUTHCLIENT_REMOTE_APPS``, importable from the config.

No imports here: ``cap/config.py`` loads this before any app exists. Each
remote reads its endpoints and credentials lazily from
``app.config["CAP_LINKED_<NAME>_CLIENT"]``, which the extension derives
from ``CAP_LINKED_ACCOUNTS``. ``link_only``: nobody logs in with them
(invenio-oauthclient refuses an anonymous callback; CERN SSO stays the login).
"""

def app_key(name):
    """The config key the remote app ``name`` reads its endpoints and credentials from."""
    return f"CAP_LINKED_{name.upper()}_CLIENT"


def remote_app(name, title, description):
    """A linking-only remote app ``name`` (an entry of ``CAP_LINKED_ACCOUNTS`` too)."""
    return {
        "title": title,
        "description": description,
        "icon": "",
        "link_only": True,
        # Timeouts on the token exchange, OAuth errors handed to our handler.
        "remote_app": "cap.modules.linked_accounts.handlers:LinkingRemoteApp",
        "params": {
            "app_key": app_key(name),
            "request_token_url": None,
            "access_token_method": "POST",
            "access_token_headers": {"Accept": "application/json"},
        },
        "authorized_handler": "cap.modules.linked_accounts.handlers:authorized",
        "disconnect_handler": "cap.modules.linked_accounts.handlers:disconnect",
    }


REMOTE_APPS = {
    "github": remote_app("github", "GitHub", "Attach your private repositories."),
    "gitlab": remote_app("gitlab", "GitLab", "Attach your private projects."),
    "zenodo": remote_app("zenodo", "Zenodo", "Publish records to Zenodo as yourself."),
}
"""The remote apps, by name (merged into ``OAUTHCLIENT_REMOTE_APPS``)."""
