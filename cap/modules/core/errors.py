"""Plain service errors and the one map from them to HTTP answers.

Services raise these without any notion of HTTP; resources register
:func:`register_error_handlers` once, so every endpoint answers alike with
``{status, message, errors: [{field, message}]}``.

``field`` is always a list of path parts (JSON pointer reference tokens, all
strings; array indexes too): ``["basic_info", "people", "0", "orcid"]``,
``["q"]``, ``[]`` for the whole document. That is the legacy CAP shape
cap-client prints with ``'.'.join(err['field'])``; :func:`field_error` is the
one place that builds it.
"""

from flask import g, jsonify
from invenio_pidstore.errors import PIDDeletedError, PIDDoesNotExistError
from opensearchpy.exceptions import ConnectionError as SearchConnectionError
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException


class CAPError(Exception):
    """Base of every CAP service error."""

    def __init__(self, message=None, errors=None):
        """Keep a human message and an optional list of field errors."""
        super().__init__(message or self.__doc__)
        self.message = message or self.__doc__
        self.errors = errors or []


class InvalidRequestError(CAPError):
    """The request is malformed."""


class ValidationError(CAPError):
    """The metadata does not validate."""


class PublishValidationError(ValidationError):
    """The deposit does not validate against its record schema."""


class UnauthorizedError(CAPError):
    """The request does not prove who sent it (e.g. a webhook delivery's signature)."""


class PermissionDeniedError(CAPError):
    """You do not have the permission to do this."""


class NotFoundError(CAPError):
    """The resource does not exist."""


class ConflictError(CAPError):
    """The resource is in a state that does not allow this."""


class RevisionMismatchError(CAPError):
    """The resource changed since you read it (If-Match does not match)."""


class PayloadTooLargeError(CAPError):
    """The payload is larger than allowed."""


class InsufficientStorageError(CAPError):
    """There is no space left to store this."""


class SearchTimeoutError(CAPError):
    """The search took too long; narrow the query and try again."""


class UpstreamUnavailableError(CAPError):
    """An upstream service did not answer correctly."""


class UpstreamTimeoutError(CAPError):
    """An upstream service did not answer in time."""


def field_path(field):
    """``field`` as a list of string path parts.

    A list or tuple gives its parts as they are (indexes become strings, so
    a key holding a dot stays one part); a string is a dotted path
    (``"basic_info.cadi_id"``, ``"people.0.orcid"``); ``None`` or ``""`` is
    the whole document (``[]``).
    """
    if field is None:
        return []
    if isinstance(field, (list, tuple)):
        return [str(part) for part in field]
    field = str(field)
    return field.split(".") if field else []


def field_label(field):
    """The dotted text of a field path (``"basic_info.cadi_id"``), for messages."""
    return ".".join(field_path(field))


def field_error(field, message):
    """One entry of an error's ``errors`` list: ``{"field": [parts], "message"}``.

    ``field`` as :func:`field_path` reads it.
    """
    return {"field": field_path(field), "message": message}


# Most specific first: the first matching class wins.
ERROR_STATUS = (
    (PublishValidationError, 422),
    (ValidationError, 400),
    (InvalidRequestError, 400),
    (UnauthorizedError, 401),
    (PermissionDeniedError, 403),
    (NotFoundError, 404),
    (ConflictError, 409),
    (RevisionMismatchError, 412),
    (PayloadTooLargeError, 413),
    (InsufficientStorageError, 507),
    (SearchTimeoutError, 503),
    (UpstreamUnavailableError, 502),
    (UpstreamTimeoutError, 504),
)


def error_body(status, message, errors=None):
    """The JSON body every error answer has."""
    body = {"status": status, "message": message}
    if errors:
        body["errors"] = errors
    return body


def _is_anonymous():
    identity = getattr(g, "identity", None)
    return identity is None or identity.id is None


def handle_cap_error(error):
    """Answer a service error with its status; anonymous denials are 401."""
    status = next(code for cls, code in ERROR_STATUS if isinstance(error, cls))
    message = error.message
    if status == 403 and _is_anonymous():
        status, message = 401, "You need to log in to do this."
    return jsonify(error_body(status, message, error.errors)), status


def handle_http_exception(error):
    """Answer a werkzeug HTTP error as JSON."""
    response = jsonify(error_body(error.code, error.description))
    response.status_code = error.code
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def handle_pid_error(error):
    """Answer an unknown or deleted persistent identifier."""
    if isinstance(error, PIDDeletedError):
        return jsonify(error_body(410, "The resource has been deleted.")), 410
    return jsonify(error_body(404, "The resource does not exist.")), 404


STALE_MESSAGE = "The resource changed while you were writing it: read it again, then retry."


def handle_stale_data(error):
    """A write that lost a race at flush (the row's version moved on): 412.

    Services lock what they write (``for_update``), so this is the net for
    writers that do not; the unit of work has rolled the transaction back.
    """
    return jsonify(error_body(412, STALE_MESSAGE)), 412


DATABASE_UNAVAILABLE_MESSAGE = (
    "The database is not available right now; nothing was changed. Retry in a few seconds."
)
DATABASE_UNAVAILABLE_ERRORS = (OperationalError, InterfaceError, DisconnectionError)
"""What the driver raises when the server is down, restarting or closed the
connection (psycopg2's OperationalError / InterfaceError, the pool's check)."""
DATABASE_RETRY_AFTER = 5
"""Seconds a client is told to wait after a database outage answer."""


def handle_database_unavailable(error):
    """503 when the database cannot be reached or dropped the connection.

    The unit of work has rolled back, so nothing of the request was written;
    the pool has discarded the dead connections, so the next request gets a
    fresh one.
    """
    response = jsonify(error_body(503, DATABASE_UNAVAILABLE_MESSAGE))
    response.status_code = 503
    response.headers["Retry-After"] = str(DATABASE_RETRY_AFTER)
    return response


SEARCH_UNAVAILABLE_MESSAGE = (
    "The search engine is not available right now; saved work is kept and will "
    "be searchable again once it is back. Retry in a few seconds."
)
SEARCH_UNAVAILABLE_ERRORS = (SearchConnectionError,)
"""What the search client raises when the engine cannot be reached or does
not answer in time (opensearch-py's ``ConnectionTimeout`` is one)."""
SEARCH_RETRY_AFTER = 10
"""Seconds a client is told to wait after a search outage answer."""


def handle_search_unavailable(error):
    """503 when a search (or a look-up that goes through the engine) cannot be made.

    Writes do not need the engine (their indexing is queued on failure,
    :class:`cap.modules.core.uow.RecordCommitOp`): only what must read the
    index answers this.
    """
    response = jsonify(error_body(503, SEARCH_UNAVAILABLE_MESSAGE))
    response.status_code = 503
    response.headers["Retry-After"] = str(SEARCH_RETRY_AFTER)
    return response


def register_error_handlers(app_or_blueprint):
    """Install the map on an app or a blueprint."""
    app_or_blueprint.register_error_handler(CAPError, handle_cap_error)
    app_or_blueprint.register_error_handler(PIDDoesNotExistError, handle_pid_error)
    app_or_blueprint.register_error_handler(PIDDeletedError, handle_pid_error)
    app_or_blueprint.register_error_handler(StaleDataError, handle_stale_data)
    app_or_blueprint.register_error_handler(HTTPException, handle_http_exception)
