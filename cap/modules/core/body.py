"""JSON request bodies: size, nesting depth and strings PostgreSQL can store.

Every JSON body of the API goes through :func:`load_json`, and every document
a service stores through :func:`check_json`: a body nested deeper than
``CAP_JSON_MAX_DEPTH`` would exhaust the recursion of the validators (and of
``jsonpatch``'s deep copy), and PostgreSQL's ``jsonb`` refuses NUL characters
and lone UTF-16 surrogates; each is a 400 naming the field instead of a 500.
"""

import json
import re

from flask import Request, current_app

from .errors import InvalidRequestError, field_error

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
"""Characters ``jsonb`` refuses: NUL, and surrogates (JSON's decoder pairs
the ``\\uD83D\\uDE00`` escapes of one character; any left are lone)."""


def check_json(value):
    """Raise a 400 naming the first field of ``value`` nested deeper than
    ``CAP_JSON_MAX_DEPTH`` or holding a string PostgreSQL cannot store (keys
    included)."""
    max_depth = current_app.config["CAP_JSON_MAX_DEPTH"]
    # Iterative, so a deep document cannot exhaust the recursion here too.
    stack = [(value, [])]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            _check_string(value, path)
            continue
        if isinstance(value, dict):
            children = value.items()
        elif isinstance(value, list):
            children = enumerate(value)
        else:
            continue
        if len(path) >= max_depth:
            raise _too_deep(path[:max_depth])
        for key, child in children:
            if isinstance(key, str):
                _check_string(key, path + [key])
            stack.append((child, path + [key]))


def _check_string(text, path):
    match = UNSTORABLE.search(text)
    if match:
        what = "a NUL character" if match.group() == "\x00" else "a lone surrogate"
        message = f"The text holds {what} (U+{ord(match.group()):04X}), which cannot be stored."
        raise InvalidRequestError(message, [field_error(path, message)])


def _too_deep(path=()):
    max_depth = current_app.config["CAP_JSON_MAX_DEPTH"]
    message = f"The JSON is nested more than {max_depth} levels deep."
    return InvalidRequestError(message, [field_error(list(path), message)])


def load_json(raw):
    """The JSON value of a request body (bytes or text), checked by
    :func:`check_json`; 400 when it is not JSON."""
    try:
        value = json.loads(raw)
    except RecursionError:
        raise _too_deep() from None
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidRequestError(f"Malformed JSON: {error}") from None
    check_json(value)
    return value


class APIRequest(Request):
    """Request of the API app: ``get_json`` checks what it loads as
    :func:`load_json` does, and a body may be ``CAP_MAX_BODY_SIZE`` bytes at
    most (a larger one is a 413), except on the blueprints of
    ``CAP_STREAMED_BODY_BLUEPRINTS`` (file uploads stream to storage with
    their own limits)."""

    def get_json(self, force=False, silent=False, cache=True):
        """The JSON body as werkzeug loads it, then checked (400 on a bad one,
        even when ``silent``: it is JSON, but not one CAP can take)."""
        try:
            value = super().get_json(force=force, silent=silent, cache=cache)
        except RecursionError:
            raise _too_deep() from None
        check_json(value)
        return value

    @property
    def max_content_length(self):
        """The body limit of this request (bytes)."""
        config = current_app.config
        if self.blueprint in config["CAP_STREAMED_BODY_BLUEPRINTS"]:
            return super().max_content_length
        return config["CAP_MAX_BODY_SIZE"]
