"""HTTP around invenio-files-rest's views: a guard before them, and error answers.

files-rest keeps its views; the guard runs first on its blueprint and answers
like every CAP endpoint (``{status, message, errors: [{field, message}]}``):

1. the caller must be allowed ``bucket-read`` (through the permission
   factory, hence the record's policy): anonymous 401, others 404 as for
   the draft itself, with the same answer for a bucket that does not
   exist — and never a hint whether a key exists;
2. writes (PUT/POST/DELETE) to a locked bucket: 403 saying the record is
   published and must be edited first;
3. writes need ``bucket-update``: 403;
4. uploads: the key (400 naming ``key``), the declared size against the
   bucket's limit (413 naming ``size``) and the tags header (400 naming it).

files-rest then runs its own (equivalent) permission checks and the upload.
"""

import hashlib
import uuid

from flask import current_app, g, jsonify, request
from invenio_files_rest.models import Bucket
from invenio_files_rest.proxies import current_permission_factory
from werkzeug.exceptions import NotFound
from werkzeug.routing import RequestRedirect
from werkzeug.wsgi import LimitedStream

from ..core.errors import (
    CAPError,
    InvalidRequestError,
    PermissionDeniedError,
    error_body,
    field_error,
    handle_cap_error,
)
from .tags import hidden_bucket_error
from .validation import (
    ChecksumMismatchError,
    check_size,
    parse_content_md5,
    parse_tags,
    validate_key,
)

FILES_BLUEPRINT = "invenio_files_rest"
"""Name of invenio-files-rest's API blueprint (``/files``)."""

OBJECT_ENDPOINT = f"{FILES_BLUEPRINT}.object_api"

READ_METHODS = ("GET", "HEAD", "OPTIONS")


def require(bucket, action):
    """Raise :class:`PermissionDeniedError` unless the caller may do ``action``."""
    if not current_permission_factory(bucket, action).can():
        raise PermissionDeniedError()


def require_readable(bucket):
    """Who may not read the bucket's draft or record learns nothing of it.

    As for drafts themselves, existence must not leak: such callers get
    404 (anonymous ones 401, so they know to log in); readers who lack a
    write right get 403 later.
    """
    if not current_permission_factory(bucket, "bucket-read").can():
        hide_bucket()


def hide_bucket():
    """The one answer for a bucket the caller may not read and for one that does not exist."""
    raise hidden_bucket_error(g.identity)


def require_content_length():
    """Raw-body uploads must announce their size (no chunked transfer)."""
    if request.content_length is None and not request.mimetype.startswith("multipart/"):
        message = "Uploads need a Content-Length header (the size of the file in bytes)."
        raise InvalidRequestError(message, [field_error("Content-Length", message)])


def check_request(bucket, key):
    """The guard's checks, in order; raise a plain error on the first failure."""
    require_readable(bucket)
    if request.method in READ_METHODS:
        return
    if bucket.locked:
        raise PermissionDeniedError(current_app.config["CAP_FILES_LOCKED_MESSAGE"])
    require(bucket, "bucket-update")
    if key is None or request.method not in ("PUT", "POST"):
        return
    validate_key(key)
    if request.method == "PUT" and "uploadId" not in request.args:
        require_content_length()
        check_size(request.content_length, bucket.size_limit)
        parse_tags(request.headers.get(current_app.config["CAP_FILES_TAGS_HEADER"]))
    elif request.method == "POST" and "uploads" in request.args:
        check_size(request.args.get("size", type=int), bucket.size_limit)


def bound_request_body():
    """Give files-rest the bounded body stream it expects, whatever the server.

    files-rest calls ``request.stream.is_exhausted`` (werkzeug's
    ``LimitedStream``). Servers that set ``wsgi.input_terminated`` (gunicorn
    does) get their raw input object passed through by werkzeug, which has no
    such attribute: every upload then fails with a 500. Wrapping it bounds
    reads to Content-Length and turns an early end of the body into
    ``ClientDisconnected`` (an interrupted upload), as on other servers.
    """
    length = request.content_length
    if length is None or not request.environ.get("wsgi.input_terminated"):
        return
    if not isinstance(request.stream, LimitedStream):
        request.stream = LimitedStream(request.environ["wsgi.input"], length)


class MD5CheckedStream(LimitedStream):
    """The upload body, checked against its ``Content-MD5`` at its last byte:
    a mismatch raises :class:`ChecksumMismatchError` inside files-rest's
    upload, so its transaction is rolled back and nothing is stored (files-rest
    itself ignores the header)."""

    def __init__(self, stream, length, expected):
        """Read ``length`` bytes of ``stream``, which must hash to ``expected``."""
        super().__init__(stream, length)
        self.expected = expected
        self.md5 = hashlib.md5()

    def readinto(self, buffer):
        """Read as :class:`LimitedStream` does, hashing what was read."""
        count = super().readinto(buffer)
        if count:
            self.md5.update(memoryview(buffer)[:count])
        if self.is_exhausted and self.md5.digest() != self.expected:
            message = "The body does not match its Content-MD5; nothing was stored."
            raise ChecksumMismatchError(message, [field_error(["Content-MD5"], message)])
        return count


def check_content_md5():
    """A raw-body upload with ``Content-MD5`` streams through :class:`MD5CheckedStream`."""
    header = request.headers.get("Content-MD5")
    if header is None or request.method != "PUT" or request.content_length is None:
        return
    expected = parse_content_md5(header)
    request.stream = MD5CheckedStream(request.stream, request.content_length, expected)


def guard_files_request():
    """``before_request`` of the files-rest blueprint; ``None`` lets the view run."""
    bound_request_body()
    if request.routing_exception is not None or not request.view_args:
        return None
    if "bucket_id" not in request.view_args:
        return None
    try:
        try:
            bucket = Bucket.get(uuid.UUID(request.view_args["bucket_id"]))
        except ValueError:
            bucket = None
        if bucket is None:
            hide_bucket()
        check_request(bucket, request.view_args.get("key"))
        if request.view_args.get("key") is not None:
            check_content_md5()
    except CAPError as error:
        return handle_cap_error(error)
    return None


def _object_url_prefix():
    """``/files/`` (the part of the object route before ``<bucket_id>``)."""
    rule = next(iter(current_app.url_map.iter_rules(OBJECT_ENDPOINT)), None)
    return rule.rule.split("<", 1)[0] if rule else None


def refuse_unroutable_keys():
    """App-wide ``before_request``: uploads to keys the router cannot take answer 400.

    A leading ``/`` (``/files/<bucket>//x``) makes werkzeug redirect to the
    merged path (a client following a 308 would store another key), and a
    newline makes the route not match (404). Both are bad keys: say so.
    """
    error = request.routing_exception
    if request.method not in ("PUT", "POST") or not isinstance(
        error, (RequestRedirect, NotFound)
    ):
        return None
    prefix = _object_url_prefix()
    if not prefix or not request.path.startswith(prefix):
        return None
    _, sep, key = request.path[len(prefix) :].partition("/")
    if not sep:
        return None
    try:
        validate_key(key)
    except CAPError as invalid:
        return handle_cap_error(invalid)
    return None


def handle_client_disconnected(error):
    """The body ended before Content-Length: 400, and nothing was stored."""
    message = (
        "The upload was interrupted: fewer bytes arrived than Content-Length announced. "
        "Nothing was stored; send the file again."
    )
    return jsonify(error_body(400, message)), 400


def handle_file_size_error(error):
    """files-rest's size-limit error (during streaming or multipart init): 413."""
    message = error.get_description() or "File size limit exceeded."
    body = error_body(413, message, [field_error("size", message)])
    return jsonify(body), 413


def handle_bucket_locked_error(error):
    """files-rest's locked-bucket error: 403 with a message users can act on."""
    return jsonify(error_body(403, current_app.config["CAP_FILES_LOCKED_MESSAGE"])), 403
