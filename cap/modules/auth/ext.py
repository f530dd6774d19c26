"""The auth extension: SSO settings, role sync at login, token schemes."""

from flask_login import user_logged_in

from . import config, oauth
from .sso import REMOTE_NAME, client_config, on_user_logged_in
from .tokens import TokenSchemeMiddleware


class CAPAuth:
    """Auth in the UI app: CERN SSO endpoints and role sync at login."""

    def __init__(self, app=None):
        """Initialise when given an app."""
        if app:
            self.init_app(app)

    def init_app(self, app):
        """Copy defaults, derive the SSO endpoints, listen to logins."""
        self.init_config(app)
        app.config["CAP_SSO_CLIENT"] = client_config(app)
        remotes = app.config.get("OAUTHCLIENT_REMOTE_APPS", {})
        remote = remotes.get(REMOTE_NAME)
        if remote is not None and not remote.get("logout_url"):
            # Copies: the dicts come from a module shared by every app.
            remote = {**remote, "logout_url": app.config["CAP_SSO_CLIENT"]["logout_url"]}
            app.config["OAUTHCLIENT_REMOTE_APPS"] = {**remotes, REMOTE_NAME: remote}
        user_logged_in.connect(on_user_logged_in, app)
        # The token provider is global (shared by the UI and API apps).
        oauth.install()
        app.extensions["cap-auth"] = self

    @staticmethod
    def init_config(app):
        """Module defaults, unless the instance set them."""
        for name in dir(config):
            if name.startswith("CAP_"):
                app.config.setdefault(name, getattr(config, name))


class CAPAuthREST(CAPAuth):
    """Auth in the API app: also accept ``OAuth2`` as a token scheme."""

    def init_app(self, app):
        """As the UI app, plus the token scheme middleware."""
        super().init_app(app)
        # WSGI level: runs before any before_request, including
        # invenio-oauth2server's token verification.
        app.wsgi_app = TokenSchemeMiddleware(app.wsgi_app, app.config["CAP_TOKEN_SCHEMES"])
