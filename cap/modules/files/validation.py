"""Checks on what clients send: file keys, tags and sizes. Plain errors, no HTTP."""

import base64
import binascii
import unicodedata

from flask import current_app

from ..core.errors import InvalidRequestError, PayloadTooLargeError, field_error

INVISIBLE = ("Cf", "Cs", "Zl", "Zp")
"""Unicode categories a key may not hold: format characters (U+202E
right-to-left override, U+200B zero-width space, U+FEFF ...), surrogates,
line and paragraph separators."""


def validate_key(key):
    """Refuse keys that are not a plain relative path of bounded length."""
    max_length = current_app.config["CAP_FILES_KEY_MAX_LENGTH"]
    problem = None
    if not key:
        problem = "The file key is empty."
    elif len(key) > max_length:
        problem = f"The file key is longer than {max_length} characters."
    elif any(unicodedata.category(char) == "Cc" for char in key):
        problem = "The file key contains NUL or control characters."
    elif any(unicodedata.category(char) in INVISIBLE for char in key):
        problem = (
            "The file key contains invisible characters (bidirectional overrides, "
            "zero-width or line separators), which make it look like another name."
        )
    elif key.startswith("/"):
        problem = "The file key must be a relative path (no leading '/')."
    elif any(segment in ("..", ".") for segment in key.split("/")):
        problem = "The file key must not contain '.' or '..' path segments."
    elif "" in key.split("/"):
        problem = "The file key must not contain empty path segments."
    if problem:
        raise InvalidRequestError(problem, [field_error("key", problem)])
    return key


def tag_problem(key, value):
    """What is wrong with one tag (both parts stripped), or ``None``."""
    max_length = current_app.config["CAP_FILES_TAGS_MAX_LENGTH"]
    if len(key) > max_length or len(value) > max_length:
        return f"Tag {key[:40]!r}: keys and values are at most {max_length} characters."
    return None


def parse_tags(value, header=None):
    """Tags from ``k=v;k2=v2``; raise :class:`InvalidRequestError` naming the header."""
    header = header or current_app.config["CAP_FILES_TAGS_HEADER"]
    tags = {}
    for item in (value or "").split(";"):
        if not item.strip():
            continue
        key, sep, tag_value = item.partition("=")
        key, tag_value = key.strip(), tag_value.strip()
        problem = None
        if not sep or not key or not tag_value:
            problem = f"Malformed tag {item.strip()!r}: expected key=value."
        elif key in tags:
            problem = f"Duplicate tag {key!r}."
        else:
            problem = tag_problem(key, tag_value)
        if problem:
            message = f"Invalid {header} header: {problem} Use k=v;k2=v2."
            raise InvalidRequestError(message, [field_error([header], problem)])
        tags[key] = tag_value
    return tags


def validate_tags(tags):
    """A JSON object of tags (``{key: value}``, both non-empty text), stripped.

    Every bad tag is named at once (``["tags", key]``, or ``["tags"]`` when the
    body is not an object).
    """
    if not isinstance(tags, dict):
        message = "tags must be an object of key: value texts."
        raise InvalidRequestError(message, [field_error(["tags"], message)])
    clean, errors = {}, []
    for key, value in tags.items():
        if not isinstance(value, str) or not value.strip():
            problem = f"Tag {key[:40]!r} needs a value (a non-empty text)."
        elif not key.strip():
            problem = "Tag keys must not be empty."
        elif key.strip() in clean:
            problem = f"Duplicate tag {key.strip()!r}."
        else:
            problem = tag_problem(key.strip(), value.strip())
        if problem:
            errors.append(field_error(["tags", key], problem))
        else:
            clean[key.strip()] = value.strip()
    if errors:
        raise InvalidRequestError("Some tags are invalid.", errors)
    return clean


def check_size(size, size_limit):
    """Refuse a declared size above the bucket's limit (``FileSizeLimit`` or int)."""
    if size is None or size_limit is None or not size > size_limit:
        return
    limit = getattr(size_limit, "limit", size_limit)
    reason = getattr(size_limit, "reason", "Maximum file size exceeded.")
    message = f"{reason} The file is {size} bytes; the limit is {limit} bytes."
    raise PayloadTooLargeError(message, [field_error("size", message)])


def parse_content_md5(value, header="Content-MD5"):
    """The MD5 digest a ``Content-MD5`` header announces: base64 (RFC 1864)
    or, as some clients send it, hex; 400 naming the header otherwise."""
    value = (value or "").strip()
    try:
        digest = bytes.fromhex(value) if len(value) == 32 else base64.b64decode(
            value, validate=True)
    except (ValueError, binascii.Error):
        digest = b""
    if len(digest) != 16:
        message = f"{header} must be the base64 (or hex) MD5 digest of the body."
        raise InvalidRequestError(message, [field_error([header], message)])
    return digest


class ChecksumMismatchError(InvalidRequestError):
    """The body does not match the MD5 digest its Content-MD5 header announced."""
