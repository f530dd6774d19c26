"""Small HTTP helpers shared by the drafts and records resources."""

import re
from urllib.parse import urlencode

from flask import Response, jsonify, make_response, request
from werkzeug.exceptions import NotAcceptable

from ...core.body import load_json
from ...core.errors import InvalidRequestError, RevisionMismatchError, field_error
from .serializers import JSON

_ETAG = re.compile(r'^\s*(?:W/)?"?(\d+)"?\s*$')


def negotiate(mimetypes):
    """The best of ``mimetypes`` for the request's Accept (406 when none)."""
    if not request.headers.get("Accept"):
        return mimetypes[0]
    best = request.accept_mimetypes.best_match(mimetypes)
    if best is None:
        raise NotAcceptable(
            f"Cannot answer in the requested format; available: {', '.join(mimetypes)}."
        )
    return best


def chosen_mimetype(mimetypes, names):
    """The media type ``?format=`` names (``names``: format name -> media type),
    else the best of ``mimetypes`` for the request's Accept."""
    name = request.args.get("format")
    if name is None:
        return negotiate(mimetypes)
    if name not in names:
        message = f"Unknown format {name!r}; available: {', '.join(sorted(names))}."
        raise InvalidRequestError(message, [field_error("format", message)])
    return names[name]


def parse_json_body(required=True):
    """The request's JSON body whatever its JSON content type; 400 if
    malformed, too deep or holding what PostgreSQL cannot store."""
    raw = request.get_data(cache=True)
    if not raw or not raw.strip():
        if required:
            raise InvalidRequestError("The request needs a JSON body.")
        return None
    return load_json(raw)


def if_match_revision():
    """The revision of ``If-Match`` (``None`` when absent); 412 when unreadable."""
    header = request.headers.get("If-Match")
    if not header or header.strip() == "*":
        return None
    match = _ETAG.match(header.split(",")[0])
    if not match:
        raise RevisionMismatchError(f"If-Match {header!r} names no revision.")
    return int(match.group(1))


def prefers_lenient():
    """Whether the request says ``Prefer: handling=lenient`` (RFC 7240 section 4.4).

    The editor's autosave does: a draft save then stores what validates and
    lists what it left out, instead of refusing the whole document.
    """
    for header in request.headers.getlist("Prefer"):
        for preference in header.split(","):
            name, _, value = preference.split(";")[0].partition("=")
            if name.strip().lower() == "handling" and value.strip().strip('"').lower() == "lenient":
                return True
    return False


def answer(body, status=200, revision=None, mimetype=JSON):
    """A response with the body (text, or data to write as JSON) in ``mimetype``
    and the ETag of ``revision``."""
    if isinstance(body, str):
        response = Response(body, status=status, mimetype=mimetype)
    else:
        response = make_response(jsonify(body), status)
        response.mimetype = mimetype
    if revision is not None:
        response.headers["ETag"] = f'W/"{revision}"'
    return response


def search_params():
    """The query parameters of a search (a list for a repeated one)."""
    params = {key: request.args.getlist(key) for key in request.args}
    return {k: (v[0] if len(v) == 1 else v) for k, v in params.items()}


def search_links(endpoint_url, params, total):
    """``self``/``prev``/``next`` links of a result page."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in ("page", "size")]

    def url(page):
        query = "&".join(
            [urlencode({k: v}) for k, v in args] + [f"page={page}", f"size={params.size}"]
        )
        return f"{endpoint_url}?{query}"

    links = {"self": url(params.page)}
    if params.page > 1:
        links["prev"] = url(params.page - 1)
    if params.page * params.size < total:
        links["next"] = url(params.page + 1)
    return links
