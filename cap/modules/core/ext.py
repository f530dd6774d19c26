"""The core extension: database connection checks; on the API app, the JSON
error map and the JSON encoder."""

from . import db
from .errors import handle_http_exception
from .json import OrjsonProvider


class CAPCore:
    """Core of the UI app."""

    def __init__(self, app=None):
        """Initialise when given an app."""
        if app:
            self.init_app(app)

    def init_app(self, app):
        """Register the extension; ping idle database connections before use."""
        db.install(app)
        app.extensions["cap-core"] = self


class CAPCoreREST(CAPCore):
    """Core of the API app: every HTTP error answers JSON."""

    def init_app(self, app):
        """Register the extension and the app-wide JSON error handlers; encode
        JSON answers with orjson."""
        super().init_app(app)
        app.json = OrjsonProvider(app)
        for code in (400, 401, 403, 404, 405, 409, 410, 412, 413, 415, 422, 429, 500):
            app.register_error_handler(code, handle_http_exception)
