"""Upload factory for ``FILES_REST_UPLOAD_FACTORIES``: files-rest's stream upload plus our tags.

files-rest reads tags from its own header as a query string (``k=v&k2=v2``);
CAP clients send ``X-CAP-File-Tags: k=v;k2=v2``. The tags are returned to
files-rest, which stores them as ``ObjectVersionTag`` rows of the new version
in the same transaction as the version itself.

The body is werkzeug's ``request.stream`` (what files-rest hands over): the
WSGI server's input, never read past the Content-Length (by werkzeug, or by
the server itself when it says so with ``wsgi.input_terminated``, as
gunicorn does). A body cut short fails the upload and leaves no file
(werkzeug's ``ClientDisconnected``, or files-rest's size check).
"""

from flask import current_app, request
from invenio_files_rest.views import stream_uploadfactory as files_rest_stream_uploadfactory

from .validation import parse_tags


def stream_uploadfactory():
    """Stream, Content-Length, Content-MD5 and tags of a raw-body PUT."""
    stream, content_length, content_md5, tags = files_rest_stream_uploadfactory()
    header = current_app.config["CAP_FILES_TAGS_HEADER"]
    tags = {**(tags or {}), **parse_tags(request.headers.get(header), header)}
    return stream, content_length, content_md5, tags or None
