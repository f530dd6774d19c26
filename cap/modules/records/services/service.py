"""Published records: read (any revision) and search, identity first.

Its wiring is a :class:`~.config.RecordServiceConfig`; it answers result
items (:mod:`.results`).
"""

from invenio_pidstore.errors import PIDDoesNotExistError
from invenio_search import current_search_client
from invenio_search.engine import dsl, search
from invenio_search.utils import build_alias_name

from ...core.errors import (
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    field_error,
)
from ...schemas.api import get_schema_by_url, goes_to_zenodo, opens_per_record
from .config import RecordServiceConfig
from .diff import file_changes, metadata_changes
from .results import record_item, record_list, users_by_id
from .search import run_search, search_request


class SearchService:
    """A service wired by a config class, searching what its policy lets read."""

    def __init__(self, config):
        """Wire the service from ``config``."""
        self.config = config
        self.record_cls = config.record_cls
        self.policy_cls = config.permission_policy_cls

    def search(self, identity, params):
        """What the identity may read (its read filter): a :class:`RecordList` of one page."""
        config = self.config
        answer, parsed = run_search(
            identity, params, config.search_alias, self.policy_cls("read"),
            owner_field=config.search_owner_field,
        )
        return record_list(identity, answer, parsed, config.draft_policy_cls)

    def search_request(self, identity, params):
        """The engine request :meth:`search` sends for ``identity``."""
        config = self.config
        return search_request(identity, params, config.search_alias, self.policy_cls("read"),
                              owner_field=config.search_owner_field)[0]


def readable_record(identity, recid, record_cls, policy_cls, for_update=False):
    """The record ``recid`` if ``identity`` may read it (row-locked when
    ``for_update``): a record hidden from the caller does not exist for them
    (:class:`NotFoundError`); an anonymous caller is asked to log in first."""
    try:
        record = record_cls.get_by_pid(recid, for_update=for_update)
    except PIDDoesNotExistError:
        raise NotFoundError(f"Record {recid} does not exist.") from None
    if not policy_cls("read", record=record).allows(identity):
        if identity.id is None:
            raise PermissionDeniedError()
        raise NotFoundError(f"Record {recid} does not exist.")
    return record


class RecordService(SearchService):
    """Read-only access to published records."""

    def __init__(self, config=RecordServiceConfig):
        """Wire the service from ``config``."""
        super().__init__(config)

    def _get(self, recid):
        try:
            return self.record_cls.get_by_pid(recid)
        except PIDDoesNotExistError:
            raise NotFoundError(f"Record {recid} does not exist.") from None

    def _require(self, identity, action, record):
        if self.policy_cls(action, record=record).allows(identity):
            return
        if identity is None or identity.id is None:
            raise PermissionDeniedError()
        raise NotFoundError(f"Record {record.recid} does not exist.")

    def read(self, identity, recid, revision=None):
        """The record (latest, or its revision ``revision``)."""
        record = self._get(recid)
        self._require(identity, "read", record)
        if revision is None:
            return record_item(identity, record, abilities=self.abilities(identity, record))
        return record_item(identity, self._revision(record, revision, "revision"))

    def reads_any_of(self, identity, schema_url):
        """Whether ``identity`` may read a record whose ``$schema`` is ``schema_url``.

        One count through the read policy's search filter (the rule search
        and item checks share), so as the records index knows them: a record
        published within the index's refresh interval may not count yet.
        """
        if identity is None or identity.id is None:
            return False
        query = dsl.Q(
            "bool",
            filter=[
                self.policy_cls("read").query_filter(identity),
                dsl.Q("term", **{"$schema": schema_url}),
            ],
        )
        try:
            answer = current_search_client.count(
                index=build_alias_name(self.config.search_alias),
                body={"query": query.to_dict()},
                terminate_after=1,
            )
        except search.exceptions.NotFoundError:  # no records index yet
            return False
        return answer["count"] > 0

    def _revision(self, record, value, param):
        """Revision ``value`` of ``record`` (a query parameter named ``param``)."""
        try:
            revision = int(value)
        except (TypeError, ValueError):
            revision = -1
        if revision < 0:  # a negative index would count from the latest
            message = f"{param} must be an integer, 0 or more."
            raise InvalidRequestError(message, [field_error(param, message)])
        try:
            old = record.revision(revision)
        except IndexError:
            raise NotFoundError(f"Record {record.recid} has no revision {revision}.") from None
        if not old.get("control_number"):
            raise NotFoundError(f"Record {record.recid} has no revision {revision}.")
        return old

    def revisions(self, identity, recid):
        """``[{revision, updated, author}]`` of a record, oldest first.

        ``author`` (``{email, profile}``) is who published the revision, as
        the publish stored it in ``_deposit.published_by``; ``None`` for
        revisions written before that (or by a user since removed).
        """
        record = self._get(recid)
        self._require(identity, "read", record)
        revisions = [
            (revision.revision_id, revision.updated,
             (revision.get("_deposit") or {}).get("published_by"))
            for revision in record.revisions
        ]
        users = users_by_id(user_id for _, _, user_id in revisions if isinstance(user_id, int))
        return [
            {
                "revision": revision_id,
                "updated": updated.isoformat() if updated else None,
                "author": users.get(user_id),
            }
            for revision_id, updated, user_id in revisions
        ]

    def diff(self, identity, recid, old_revision, new_revision):
        """What changed from revision ``old_revision`` to ``new_revision`` (``from``, ``to``).

        ``{from, to, metadata: [{field, op, old?, new?}], files: [{key, op, ...}]}``
        (see :mod:`.diff`); either order works, an older ``to`` shows the way back.
        """
        record = self._get(recid)
        self._require(identity, "read", record)
        old = self._revision(record, old_revision, "from")
        new = self._revision(record, new_revision, "to")
        return {
            "from": old.revision_id,
            "to": new.revision_id,
            "metadata": metadata_changes(old.metadata, new.metadata),
            "files": file_changes(old.get("_files"), new.get("_files")),
        }

    def abilities(self, identity, record):
        """What the identity may do with the record; ``can_open``: open or close it
        to the world, where its schema version lets records be opened one by one;
        ``can_zenodo``: publish it on Zenodo, where its schema version lets records go
        there."""
        abilities = {
            f"can_{action}": self.policy_cls(action, record=record).allows(identity)
            for action in ("read", "update", "admin")
        }
        schema = get_schema_by_url(record["$schema"])
        abilities["can_open"] = (opens_per_record(schema)
                                 and self.policy_cls("open", record=record).allows(identity))
        abilities["can_zenodo"] = (goes_to_zenodo(schema)
                                   and self.policy_cls("zenodo", record=record).allows(identity))
        return abilities
