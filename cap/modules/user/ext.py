"""The user extension: make ``/me`` CAP's on the API app.

invenio-accounts' REST auth blueprint also serves ``/me`` (its own user
info). Pointing its ``user_info`` view at ours keeps one answer, whichever
blueprint registers first.
"""

from invenio_accounts import config as accounts_config

ME_VIEW = "cap.modules.user.views:MeView"


class CAPUserREST:
    """Install CAP's ``/me`` in invenio-accounts' REST view table."""

    def __init__(self, app=None):
        """Initialise when given an app."""
        if app:
            self.init_app(app)

    def init_app(self, app):
        """Replace the ``user_info`` view, unless REST auth views are disabled."""
        views = app.config.get("ACCOUNTS_REST_AUTH_VIEWS")
        if views is None:
            views = accounts_config.ACCOUNTS_REST_AUTH_VIEWS
        if views:
            app.config["ACCOUNTS_REST_AUTH_VIEWS"] = {**views, "user_info": ME_VIEW}
        app.extensions["cap-user"] = self
