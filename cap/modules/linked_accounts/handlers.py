"""invenio-oauthclient's side of linking: the remote app class and the handlers.

The dance is invenio-oauthclient's: ``/oauth/login/<name>/`` sends the
browser to the provider with a signed ``state``, ``/oauth/authorized/<name>/``
checks it and exchanges the code; :func:`authorized` then hands the token
answer to the service, which stores it for the logged-in user, and sends the
browser back to where the link was started with a message saying what
happened.
"""

from urllib.parse import urlsplit

import requests
from flask import current_app, flash, g, redirect
from flask_login import current_user
from flask_oauthlib.client import OAuthException, OAuthRemoteApp
from invenio_oauthclient.handlers import get_session_next_url

from ..core.errors import CAPError
from .proxies import current_linked_accounts_service

SETTINGS_PAGE = "/account/linked-accounts"
"""The UI page of linked accounts (``cap_ui.linked_accounts``), where the browser goes back."""


class _Answer:
    """What flask-oauthlib reads of an HTTP answer: ``code`` and ``headers``."""

    def __init__(self, response):
        self.code, self.headers = response.status_code, response.headers


class LinkingRemoteApp(OAuthRemoteApp):
    """flask-oauthlib's remote app, with a timeout on its calls, and a refused code
    (an OAuth error answer, or an unreachable provider) handed to :func:`authorized`
    as ``{error, error_description}`` instead of raised (which invenio-oauthclient
    turns into a bare 500 page)."""

    def authorize(self, callback=None, state=None, **kwargs):
        """Send the browser to the provider; the callback is under ``SITE_UI_URL``.

        invenio-oauthclient builds it as ``https://<SERVER_NAME>/...``, which a
        plain-HTTP instance (``./scripts/run`` on loopback) does not serve;
        ``SITE_UI_URL`` is where this instance is, and what the OAuth
        application at the provider is registered with.
        """
        path = urlsplit(callback).path
        return super().authorize(callback=current_app.config["SITE_UI_URL"].rstrip("/") + path,
                                 state=state, **kwargs)

    @staticmethod
    def http_request(uri, headers=None, data=None, method=None):
        """The call, through requests, within ``CAP_LINKED_ACCOUNTS_TIMEOUT`` seconds."""
        try:
            response = requests.request(method or ("POST" if data else "GET"), uri,
                                        headers=headers, data=data,
                                        timeout=current_app.config["CAP_LINKED_ACCOUNTS_TIMEOUT"])
        except requests.RequestException as error:
            raise OAuthException(f"{uri} cannot be reached ({type(error).__name__}).",
                                 type="unreachable") from None
        return _Answer(response), response.content

    def handle_oauth2_response(self, args):
        """The token answer; an OAuth error answer or a provider not answering as data."""
        try:
            return super().handle_oauth2_response(args)
        except OAuthException as error:
            data = error.data if isinstance(error.data, dict) else {}
            if data.get("error"):
                return dict(data)
            return {"error": "temporarily_unavailable",
                    "error_description": f"{self.name} did not answer the code exchange "
                                         f"usably ({error.message})"}


def authorized(resp, remote, *args, **kwargs):
    """Store the account of the logged-in user; back to where linking started."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    try:
        entry = current_linked_accounts_service.link(g.identity, remote.name, resp)
    except CAPError as error:
        flash(error.message, category="danger")
    else:
        login = (entry["account"] or {}).get("login")
        flash(f"Your {entry['title']} account {login} is linked.", category="success")
    return redirect(get_session_next_url(remote.name) or SETTINGS_PAGE)


def disconnect(remote, *args, **kwargs):
    """``GET /oauth/disconnect/<name>/`` changes nothing: a GET that disconnects could
    be triggered by any page (an image, a link). The linked accounts page
    disconnects with ``DELETE /api/me/linked-accounts/<name>`` (CSRF-checked)."""
    return redirect(SETTINGS_PAGE)
