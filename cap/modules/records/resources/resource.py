"""HTTP views of published records (read only), and the search answer both
drafts and records give."""

from flask import Blueprint, current_app, g, request
from invenio_accounts.models import User
from sqlalchemy import bindparam, func, select

from ...core import read_along
from ...core.db import read_only
from ...core.errors import register_error_handlers
from ...search import speculation
from ..proxies import current_record_service
from ..services.results import user_entry
from .http import answer, negotiate, search_links
from .serializers import (
    BASIC,
    CSV,
    JSON,
    PERMISSIONS,
    serialize_basic,
    serialize_csv,
    serialize_full,
    serialize_permissions,
)

ITEM_MIMETYPES = [JSON, BASIC, PERMISSIONS]
SEARCH_MIMETYPES = [JSON, BASIC, CSV]

_USERS_READ_ALONG = "cap.deposit.users"
_EXPECTED_IDS = "cap_expected_user_ids"
_users = User.__table__
_USERS_ALONG = (
    select(func.json_agg(func.json_build_array(_users.c.id, _users.c.email, _users.c.profile)))
    .where(_users.c.id == func.any(bindparam(_EXPECTED_IDS)))
    .scalar_subquery()
)
"""The users of :func:`expect_users`, as one JSON array (of ``[id, email, profile]``)."""

NAMED_USERS = "named users"
MAX_NAMED_USERS = 50
"""A token's speculative searches keep the users their answers named lately
(at most this many, the most recent first)."""


def keep_named_users(notes, named):
    """After a search: note the users its answer named (``named``, a set of ids)."""
    earlier = [user_id for user_id in notes.get(NAMED_USERS, ()) if user_id not in named]
    notes[NAMED_USERS] = [*sorted(named), *earlier][:MAX_NAMED_USERS]


def expect_users(notes):
    """Before the token check of a search (``search.speculation``): read the
    users the token's answers named lately along with it."""
    user_ids = notes.get(NAMED_USERS)
    if user_ids:
        read_along.expect(_USERS_READ_ALONG, _USERS_ALONG, {_EXPECTED_IDS: user_ids})


def users_read_along():
    """The user entries read along with this request's token look-up, by id (or ``None``)."""
    expected = read_along.expected(_USERS_READ_ALONG)
    if expected is None or _USERS_READ_ALONG not in request.environ:
        return None
    found = {row[0]: user_entry(*row[1:]) for row in request.environ[_USERS_READ_ALONG] or ()}
    return {user_id: found.get(user_id) for user_id in expected[_EXPECTED_IDS]}


def search_params():
    """The query parameters of a search (a list for a repeated one)."""
    params = {key: request.args.getlist(key) for key in request.args}
    return {k: (v[0] if len(v) == 1 else v) for k, v in params.items()}


def aggregations_body(aggregations):
    """The facets of an answer: ``{name: {buckets: [{key, doc_count}]}}``."""
    return {
        name: {"buckets": [{"key": b["key"], "doc_count": b["doc_count"]}
                           for b in agg.get("buckets", [])]}
        for name, agg in (aggregations or {}).items()
    }


def search_answer(service, endpoint):
    """Run a search and answer it in the format the client accepts."""
    mimetype = negotiate(SEARCH_MIMETYPES)
    pending = speculation.take()
    result = service.search(
        g.identity, search_params(), pending=pending, known_users=users_read_along()
    )
    if mimetype == BASIC:
        bodies = [serialize_basic(item) for item in result.items]
    else:
        bodies = [serialize_full(item) for item in result.items]
        if pending is not None:
            keep_named_users(pending.notes, result.named_users)
    if mimetype == CSV:
        return answer(serialize_csv(bodies), mimetype=CSV)
    base = f"{current_app.config['SITE_API_URL']}/{endpoint}/"
    return answer(
        {
            "hits": {"hits": bodies, "total": result.total},
            "aggregations": aggregations_body(result.aggregations),
            "links": search_links(base, result.params, result.total),
        },
        mimetype=mimetype,
    )


@read_only
@speculation.speculative(
    lambda identity: current_record_service.search_request(identity, search_params()),
    recall=expect_users)
def search():
    """GET /records/: records the caller may read."""
    return search_answer(current_record_service, "records")


@read_only
def read(recid):
    """GET /records/<recid>[?revision=N]."""
    mimetype = negotiate(ITEM_MIMETYPES)
    item = current_record_service.read(g.identity, recid, revision=request.args.get("revision"))
    if mimetype == BASIC:
        body = serialize_basic(item)
    elif mimetype == PERMISSIONS:
        body = serialize_permissions(item)
    else:
        body = serialize_full(item)
    return answer(body, revision=item.revision, mimetype=mimetype)


@read_only
def revisions(recid):
    """GET /records/<recid>/revisions: ``[{revision, updated}]``."""
    return answer(current_record_service.revisions(g.identity, recid))


def create_blueprint(app):
    """Blueprint of ``/records``."""
    blueprint = Blueprint("cap_records", __name__)
    rule = blueprint.add_url_rule
    rule("/records/", "search", search, methods=["GET"], strict_slashes=False)
    rule("/records/<recid>", "read", read, methods=["GET"])
    rule("/records/<recid>/revisions", "revisions", revisions, methods=["GET"])
    register_error_handlers(blueprint)
    return blueprint
