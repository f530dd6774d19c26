"""The core extension: database connection checks; on the API app, the JSON
error map, the JSON encoder and the checked request bodies."""

from flask import current_app, request
from flask_limiter.errors import RateLimitExceeded
from werkzeug.exceptions import NotFound, RequestEntityTooLarge

from . import db
from .body import APIRequest
from .errors import (
    DATABASE_UNAVAILABLE_ERRORS,
    SEARCH_UNAVAILABLE_ERRORS,
    handle_database_unavailable,
    handle_http_exception,
    handle_search_unavailable,
)
from .json import OrjsonProvider
from .ratelimit import handle_rate_limited


class CAPCore:
    """Core of the UI app."""

    def __init__(self, app=None):
        """Initialise when given an app."""
        if app:
            self.init_app(app)

    def init_app(self, app):
        """Register the extension; ping idle database connections before use;
        give the app a search client configuration of its own."""
        db.install(app)
        # invenio-search builds its client by writing SEARCH_HOSTS into the
        # SEARCH_CLIENT_CONFIG dict itself (a setdefault in its client builder,
        # invenio_search/ext.py, 3.x). That dict comes from cap.config, one for
        # the whole process, so the first app built fixed every later app's
        # hosts: a copy per app keeps each app on its own SEARCH_HOSTS.
        app.config["SEARCH_CLIENT_CONFIG"] = dict(app.config.get("SEARCH_CLIENT_CONFIG") or {})
        app.extensions["cap-core"] = self


class CAPCoreREST(CAPCore):
    """Core of the API app: every HTTP error answers JSON."""

    def init_app(self, app):
        """Register the extension and the app-wide JSON error handlers; encode
        JSON answers with orjson."""
        super().init_app(app)
        app.json = OrjsonProvider(app)
        app.request_class = APIRequest
        app.before_request(refuse_nul_in_path)
        for code in (400, 401, 403, 404, 405, 406, 409, 410, 411, 412, 413, 414, 415, 416,
                     422, 428, 429, 431, 500, 501, 503):
            app.register_error_handler(code, handle_http_exception)
        app.register_error_handler(RequestEntityTooLarge, handle_body_too_large)
        app.register_error_handler(RateLimitExceeded, handle_rate_limited)
        # App-wide: also the token look-up before any view, and the views of
        # files-rest, accounts and oauthclient.
        for error in DATABASE_UNAVAILABLE_ERRORS:
            app.register_error_handler(error, handle_database_unavailable)
        for error in SEARCH_UNAVAILABLE_ERRORS:
            app.register_error_handler(error, handle_search_unavailable)


def refuse_nul_in_path():
    """No identifier holds a NUL, and PostgreSQL refuses to even look one up.

    Uploads are left to the files checks, which name the bad key (400).
    """
    if "\x00" not in request.path:
        return
    upload = request.method in ("PUT", "POST") and (
        request.blueprint in current_app.config["CAP_STREAMED_BODY_BLUEPRINTS"]
        or request.routing_exception is not None
    )
    if not upload:
        raise NotFound("The resource does not exist.")


def handle_body_too_large(error):
    """413 naming the limit of this request's body."""
    limit = request.max_content_length
    if limit is not None:
        error.description = f"The request body is larger than the {limit} bytes allowed."
    return handle_http_exception(error)
