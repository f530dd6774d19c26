"""Serializers of drafts and records, chosen by ``Accept``.

They turn what a service returned into the contract's JSON shapes; the
``abilities`` and the schema they need come from the service, so no
permission rule lives here.
"""

import csv
import io

from flask import current_app, has_request_context, request
from invenio_accounts.models import User
from invenio_accounts.profiles import UserProfileDict
from invenio_db import db
from sqlalchemy import bindparam, func, select, text

from ...access.fields import read_only_schema
from ...access.generators import identity_user_id
from ...core import read_along
from ...records.api import dump_buckets, dump_files, user_metadata
from ...schemas.api import schema_info_by_url
from ..indexer import SEARCH_ONLY_FIELDS, schema_info_of

JSON = "application/json"
BASIC = "application/basic+json"
PERMISSIONS = "application/permissions+json"
FORM = "application/form+json"
CSV = "text/csv"

ACTIONS = ("publish", "edit", "discard", "clone", "permissions", "upload")


# Plain SQL: once per search answer, about half the cost of the same select
# built with SQLAlchemy (compilation of the IN list, result processing).
_USERS_QUERY = text(f"SELECT id, email, profile FROM {User.__tablename__} WHERE id = ANY(:ids)")

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


def keep_named_users(notes, users):
    """After a search: note the users its answer named (``users``, a :class:`Users`)."""
    earlier = [user_id for user_id in notes.get(NAMED_USERS, ()) if user_id not in users.named]
    notes[NAMED_USERS] = [*sorted(users.named), *earlier][:MAX_NAMED_USERS]


def expect_users(notes):
    """Before the token check of a search (``search.speculation``): read the
    users the token's answers named lately along with it."""
    user_ids = notes.get(NAMED_USERS)
    if user_ids:
        read_along.expect(_USERS_READ_ALONG, _USERS_ALONG, {_EXPECTED_IDS: user_ids})


def _user_entry(email, profile):
    return {"email": email, "profile": dict(UserProfileDict(**profile)) if profile else {}}


class Users:
    """A small cache of user look-ups for one answer."""

    def __init__(self):
        """Start with the users read along with the token look-up, if any."""
        self._cache = {}
        self.named = set()
        expected = read_along.expected(_USERS_READ_ALONG) if has_request_context() else None
        if expected is not None and _USERS_READ_ALONG in request.environ:
            found = {row[0]: _user_entry(*row[1:])
                     for row in request.environ[_USERS_READ_ALONG] or ()}
            self._cache = {user_id: found.get(user_id) for user_id in expected[_EXPECTED_IDS]}

    def prefetch(self, user_ids):
        """Look up many users with one query (the creators and grantees of a page of hits)."""
        missing = {i for i in user_ids if isinstance(i, int) and i not in self._cache}
        if not missing:
            return
        rows = db.session.execute(_USERS_QUERY, {"ids": sorted(missing)})
        found = {user_id: _user_entry(email, profile) for user_id, email, profile in rows}
        for user_id in missing:
            self._cache[user_id] = found.get(user_id)

    def prefetch_hits(self, hits):
        """Prefetch everyone the full JSON of these search hits names."""
        ids = set()
        for hit in hits:
            source = hit.get("_source") or {}
            ids.add((source.get("_deposit") or {}).get("created_by"))
            for grant in (source.get("_access") or {}).values():
                ids.update(grant.get("users", []))
        self.named = {i for i in ids if isinstance(i, int)}
        self.prefetch(self.named)

    def get(self, user_id):
        """``{email, profile}`` of a user id, or ``None``."""
        if user_id is None:
            return None
        if user_id not in self._cache:
            user = db.session.get(User, user_id)
            self._cache[user_id] = (
                {"email": user.email, "profile": dict(user.user_profile or {})}
                if user
                else None
            )
        return self._cache[user_id]


def _iso(value):
    if value is None:
        return None
    return value if isinstance(value, str) else value.isoformat()


def _api_url():
    return current_app.config["SITE_API_URL"]


def _ui_url():
    return current_app.config["SITE_UI_URL"]


def _schema_info(data, schema=None):
    if schema is not None:
        return schema.info
    try:
        if getattr(data, "schema_info", None):  # resolved by the service in this call
            return dict(schema_info_of(data))
        return schema_info_by_url(data.get("$schema"))  # search hits: cached per process
    except Exception:  # an unknown or removed schema must not break reading
        return None


def _access(data, users):
    return {
        key: {
            "users": [u for u in (users.get(i) for i in grant.get("users", [])) if u],
            "roles": list(grant.get("roles", [])),
        }
        for key, grant in sorted((data.get("_access") or {}).items())
    }


def _deposit_files(data, files=None):
    known = getattr(data, "files_dump", None)  # what the service already listed
    if known is not None:
        return list(known)
    bucket_id = data.get("_bucket")
    if files is not None and bucket_id in files:  # listed for the whole page
        return list(files[bucket_id])
    return dump_files(bucket_id, _api_url())


def draft_files_of_hits(hits):
    """``{bucket id: files}`` of every draft among these search hits, in two queries.

    A draft's files change without the draft being reindexed, so they are
    read from the database, for the whole page at once.
    """
    buckets = [
        source["_bucket"]
        for source in (hit.get("_source") or {} for hit in hits)
        if source.get("_bucket") and "control_number" not in source
    ]
    return dump_buckets(buckets, _api_url())


def serialize_hits(hits, identity, users=None):
    """The full JSON of search hits; the users they name (in ``users``, a
    :class:`Users`) and the drafts' files are looked up for all of them at
    once (three queries in all)."""
    users = users if users is not None else Users()
    users.prefetch_hits(hits)
    files = draft_files_of_hits(hits)
    return [serialize_full(*unpack_hit(hit), identity, users=users, files=files) for hit in hits]


def deposit_links(pid, bucket_id):
    """Links of a draft."""
    base = f"{_api_url()}/deposits/{pid}"
    links = {
        "self": base,
        "html": _ui_url() + current_app.config["CAP_DEPOSIT_UI_PATH"].format(pid=pid),
        "files": f"{base}/files",
        "bucket": f"{_api_url()}/files/{bucket_id}",
    }
    links.update({action: f"{base}/actions/{action}" for action in ACTIONS})
    return links


def record_links(recid, bucket_id):
    """Links of a record."""
    return {
        "self": f"{_api_url()}/records/{recid}",
        "html": _ui_url() + current_app.config["CAP_RECORDS_UI_PATH"].format(recid=recid),
        "bucket": f"{_api_url()}/files/{bucket_id}",
    }


def meta_of(record):
    """``{revision, created, updated}`` of a record object."""
    return {
        "revision": record.revision_id,
        "created": _iso(record.created),
        "updated": _iso(record.updated),
    }


def unpack_hit(hit):
    """``(data, meta)`` of a search hit: the record's JSON without the fields
    only the index holds, and ``{revision, created, updated}``."""
    source = hit["_source"]
    data = {key: value for key, value in source.items() if key not in SEARCH_ONLY_FIELDS}
    meta = {
        "revision": hit.get("_version"),
        "created": source.get("created"),
        "updated": source.get("updated"),
    }
    return data, meta


def serialize_full(data, meta, identity, users=None, schema=None, files=None):
    """The full JSON of a draft or a record (``application/json``).

    ``files``: drafts' files by bucket id, listed for a page of hits
    (:func:`draft_files_of_hits`); otherwise a draft's files are read here.
    """
    if users is None:  # one item: its creator and grantees in one plain query
        users = Users()
        users.prefetch_hits([{"_source": data}])
    system = data.get("_deposit") or {}
    is_record = "control_number" in data
    owners = system.get("owners", [])
    body = {
        "id": data["control_number"] if is_record else system.get("id"),
        "type": "record" if is_record else "deposit",
        "revision": meta["revision"],
        "created": meta["created"],
        "updated": meta["updated"],
        "status": STATUS_PUBLISHED if is_record else system.get("status", "draft"),
        "experiment": data.get("_experiment"),
        "schema": _schema_info(data, schema),
        "metadata": user_metadata(data),
        "created_by": users.get(system.get("created_by")),
        "is_owner": identity_user_id(identity) in owners if identity else False,
        "access": _access(data, users),
        "labels": [],
    }
    if is_record:
        body["recid"] = data["control_number"]
        body["draft_id"] = system.get("id")
        body["files"] = list(data.get("_files") or [])
        body["links"] = record_links(data["control_number"], data.get("_bucket"))
    else:
        pid = system.get("pid") or {}
        body["recid"] = pid.get("value")
        body["cloned_from"] = system.get("cloned_from")
        if system.get("fetched_from"):
            body["fetched_from"] = system["fetched_from"]
        body["files"] = _deposit_files(data, files)
        body["links"] = deposit_links(system.get("id"), data.get("_bucket"))
        saved = getattr(data, "save_errors", None)
        if saved is not None:  # the answer to a save: what it left out, what it kept
            body["not_saved"] = saved["not_saved"]
            body["errors"] = saved["errors"]
    return body


STATUS_PUBLISHED = "published"


def serialize_basic(data, meta):
    """``{pid, recid, metadata, created, updated}`` (``application/basic+json``)."""
    system = data.get("_deposit") or {}
    recid = data.get("control_number") or (system.get("pid") or {}).get("value")
    return {
        "pid": data.get("control_number") or system.get("id"),
        "recid": recid,
        "metadata": user_metadata(data),
        "created": meta["created"],
        "updated": meta["updated"],
    }


def serialize_permissions(data, users=None):
    """``{permissions: {read|update|admin: {users: [emails], roles}}}``."""
    users = users or Users()
    permissions = {}
    for key, grant in sorted((data.get("_access") or {}).items()):
        level = key.split("-", 1)[1]
        permissions[level] = {
            "users": [u["email"] for u in (users.get(i) for i in grant.get("users", [])) if u],
            "roles": list(grant.get("roles", [])),
        }
    return {"permissions": permissions}


def serialize_form(data, meta, identity, abilities, schema):
    """The full draft plus its form schemas and the caller's abilities.

    Fields the caller may not change (schema field permissions) are
    ``readOnly`` in the schema.
    """
    body = serialize_full(data, meta, identity, schema=schema)
    config = dict(getattr(schema, "config", None) or {})
    body["schemas"] = {
        "schema": read_only_schema(identity, schema, getattr(schema, "deposit_schema", None)),
        "uiSchema": getattr(schema, "deposit_options", None),
        "config": config,
    }
    body["can_update"] = abilities.get("can_update", False)
    body["can_admin"] = abilities.get("can_admin", False)
    body["can_review"] = abilities.get("can_review", False) and bool(
        config.get("reviewable")
    )
    body["review"] = data.get("_review")
    return body


CSV_COLUMNS = ("id", "recid", "type", "schema", "version", "status", "title",
               "created", "updated")


def _title(metadata):
    for path in (("general_title",), ("basic_info", "analysis_title"), ("title",)):
        value = metadata
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        if isinstance(value, str):
            return value
    return ""


def serialize_csv(bodies):
    """Search hits (full bodies) as CSV, one line each."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for body in bodies:
        schema = body.get("schema") or {}
        writer.writerow([
            body["id"], body.get("recid") or "", body["type"], schema.get("name", ""),
            schema.get("version", ""), body["status"], _title(body["metadata"]),
            body["created"] or "", body["updated"] or "",
        ])
    return out.getvalue()
