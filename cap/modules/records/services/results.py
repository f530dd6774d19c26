"""What the drafts and records services answer: result items and lists.

An item holds everything an answer shows of one draft or record (its JSON,
revision and dates, schema, files, the users it names, and on demand the
caller's abilities and form schemas), all read by the service; serializers
then only shape it, with no query and no service call.
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from flask import current_app
from invenio_accounts.models import User
from invenio_accounts.profiles import UserProfileDict
from invenio_db import db
from invenio_records.models import RecordMetadata
from sqlalchemy import select, text

from ...access.generators import identity_user_id
from ...reviews.api import reviewer_ids
from ...schemas.api import schema_info_by_url
from ..api import dump_buckets, dump_files
from ..indexer import SEARCH_ONLY_FIELDS, is_record, schema_info_of

# Plain SQL: once per answer, about half the cost of the same select built
# with SQLAlchemy (compilation of the IN list, result processing).
USERS_QUERY = text(f"SELECT id, email, profile FROM {User.__tablename__} WHERE id = ANY(:ids)")


def user_entry(email, profile):
    """``{email, profile}`` of a user as answers show it."""
    return {"email": email, "profile": dict(UserProfileDict(**profile)) if profile else {}}


def named_users(data):
    """The user ids a draft's or record's JSON names: its creator, grantees and reviewers."""
    ids = {(data.get("_deposit") or {}).get("created_by")}
    for grant in (data.get("_access") or {}).values():
        ids.update(grant.get("users", []))
    ids.update(reviewer_ids(data))
    return {user_id for user_id in ids if isinstance(user_id, int)}


def users_by_id(user_ids):
    """``{id: {email, profile} or None}`` of ``user_ids``, in one query."""
    wanted = sorted(set(user_ids))
    if not wanted:
        return {}
    rows = db.session.execute(USERS_QUERY, {"ids": wanted})
    found = {user_id: user_entry(email, profile) for user_id, email, profile in rows}
    return {user_id: found.get(user_id) for user_id in wanted}


def api_url():
    """The base URL of the REST API (file links are under it)."""
    return current_app.config["SITE_API_URL"]


@dataclass(frozen=True)
class RecordItem(Mapping):
    """One draft or record as an answer shows it.

    Reads like its JSON (``item["title"]``); ``record`` is the record object
    when the item was read from the database (``None`` for a search hit),
    whose own properties (``pid``, ``bucket``, ``revision_id`` ...) the item
    also answers, so callers of the service can go on with it.
    """

    data: Mapping
    revision: int | None
    created: str | None
    updated: str | None
    schema_info: dict | None
    users: Mapping
    """Everyone ``data`` names (creator, grantees): id -> ``{email, profile}`` or ``None``."""
    files: list
    """The file list shown: a draft's live files, a record's frozen ``_files``."""
    is_owner: bool
    record: object = None
    abilities: Mapping = field(default_factory=dict)
    """``can_read|update|admin|review`` of the caller (filled for the form only)."""
    form: Mapping | None = None
    """``{schema, uiSchema, config}`` of the draft's form (filled for the form only)."""
    save_errors: Mapping | None = None
    """What a save said about the metadata (the answer to a save only):
    ``{"not_saved": [...], "errors": [...]}`` field errors (values left out
    of the draft; values saved that publish would refuse)."""

    def __getitem__(self, key):
        """A key of the JSON."""
        return self.data[key]

    def __iter__(self):
        """The keys of the JSON."""
        return iter(self.data)

    def __len__(self):
        """How many keys the JSON has."""
        return len(self.data)

    def __getattr__(self, name):
        """The record object's own attribute (items read from the database only)."""
        record = self.__dict__.get("record")
        if record is None:
            raise AttributeError(name)
        return getattr(record, name)

    @property
    def is_record(self):
        """Whether this is a published record (it has a recid)."""
        return is_record(self.data)


@dataclass(frozen=True)
class RecordList:
    """A page of search hits as items, with the engine's totals and facets."""

    items: list
    total: int
    aggregations: dict
    params: object
    """The parsed :class:`~.search.SearchParams` (for paging links)."""


def record_list(identity, answer, params, draft_policy_cls):
    """The :class:`RecordList` of an engine answer (see :func:`hit_items`)."""
    total = answer["hits"]["total"]
    return RecordList(
        items=hit_items(identity, answer["hits"]["hits"], draft_policy_cls),
        total=total["value"] if isinstance(total, dict) else total,
        aggregations=answer.get("aggregations") or {},
        params=params,
    )


def _iso(value):
    if value is None:
        return None
    return value if isinstance(value, str) else value.isoformat()


def record_item(identity, record, files=None, schema_info=None, **extra):
    """The item of a record object (draft or record) read by a service.

    ``files``: a draft's file list when the service already knows it (a new
    draft's empty bucket, the files a publish froze); else read here.
    ``schema_info``: the schema's ``{name, version, fullname}`` when known.
    """
    if is_record(record):
        files = list(record.get("_files") or [])
    elif files is None:
        files = dump_files(record.get("_bucket"), api_url())
    if schema_info is None:
        schema_info = _schema_info(record)
    return RecordItem(
        data=record,
        revision=record.revision_id,
        created=_iso(record.created),
        updated=_iso(record.updated),
        schema_info=schema_info,
        users=users_by_id(named_users(record)),
        files=files,
        is_owner=_is_owner(identity, record),
        record=record,
        **extra,
    )


def _is_owner(identity, data):
    if identity is None:
        return False
    return identity_user_id(identity) in (data.get("_deposit") or {}).get("owners", [])


def _schema_info(data):
    """``{name, version, fullname}`` of ``$schema``: the one the service
    attached in this call (``schema_info``), else the per-process cache's."""
    try:
        if getattr(data, "schema_info", None):
            return dict(schema_info_of(data))
        return schema_info_by_url(data.get("$schema"))
    except Exception:  # an unknown or removed schema must not break reading
        return None


def hit_items(identity, hits, read_policy_cls):
    """The items of engine hits (drafts and records, in order).

    The users they name are read in one query. A record's files are its
    indexed ``_files``. A draft's files change without the draft being
    reindexed, so they are read live, for the whole page at once, but only
    for a hit whose indexed ``_access`` is still the live one, or whose live
    draft ``read_policy_cls`` lets the identity read: a stale hit (its
    re-index failed or is pending) never shows the live files to someone the
    draft no longer grants.
    """
    sources = [
        {key: value for key, value in (hit.get("_source") or {}).items()
         if key not in SEARCH_ONLY_FIELDS}
        for hit in hits
    ]
    users = users_by_id({i for data in sources for i in named_users(data)})
    readable = _readable_drafts(identity, hits, read_policy_cls)
    files = dump_buckets(
        [data["_bucket"] for hit, data in zip(hits, sources, strict=True)
         if hit.get("_id") in readable and data.get("_bucket")],
        api_url(),
    )
    items = []
    for hit, data in zip(hits, sources, strict=True):
        source = hit.get("_source") or {}
        if is_record(data):
            hit_files = list(data.get("_files") or [])
        else:
            hit_files = list(files.get(data.get("_bucket"), ())) if hit.get("_id") in readable \
                else []
        items.append(RecordItem(
            data=data,
            revision=hit.get("_version"),
            created=source.get("created"),
            updated=source.get("updated"),
            schema_info=_schema_info(data),
            users={i: users.get(i) for i in named_users(data)},
            files=hit_files,
            is_owner=_is_owner(identity, data),
        ))
    return items


def _readable_drafts(identity, hits, read_policy_cls):
    """The ids of the draft hits whose live files the identity may see.

    One query for the page: each draft's live revision and the fields the
    read policy looks at. A hit at its live revision was filtered by the
    live access already; an older one is checked against the live draft.
    """
    drafts = {
        hit["_id"]: hit.get("_version")
        for hit in hits
        if hit.get("_id") and not is_record(hit.get("_source") or {})
    }
    if not drafts:
        return set()
    json = RecordMetadata.json
    rows = db.session.execute(
        select(
            RecordMetadata.id,
            RecordMetadata.version_id,
            json["_access"],
            json["$schema"],
            json["_experiment"],
        ).where(RecordMetadata.id.in_([uuid.UUID(id_) for id_ in drafts]))
    ).all()
    readable = set()
    for id_, version_id, access, schema, experiment in rows:
        hit_id = str(id_)
        if drafts.get(hit_id) == version_id:
            readable.add(hit_id)
            continue
        live = {"_access": access or {}, "$schema": schema}
        if experiment is not None:
            live["_experiment"] = experiment
        if read_policy_cls("read", record=live).allows(identity):
            readable.add(hit_id)
    return readable
