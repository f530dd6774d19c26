"""Published records: read (any revision) and search, identity first.

Its wiring is a :class:`~.config.RecordServiceConfig`; it answers result
items (:mod:`.results`).
"""

from invenio_pidstore.errors import PIDDoesNotExistError

from ...core.errors import (
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    field_error,
)
from .config import RecordServiceConfig
from .results import record_item, record_list
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
            return record_item(identity, record)
        try:
            revision = int(revision)
        except (TypeError, ValueError):
            revision = -1
        if revision < 0:  # a negative index would count from the latest
            message = "revision must be an integer, 0 or more."
            raise InvalidRequestError(message, [field_error("revision", message)])
        try:
            old = record.revision(revision)
        except IndexError:
            raise NotFoundError(f"Record {recid} has no revision {revision}.") from None
        if not old.get("control_number"):
            raise NotFoundError(f"Record {recid} has no revision {revision}.")
        return record_item(identity, old)

    def revisions(self, identity, recid):
        """``[{revision, updated}]`` of a record, oldest first."""
        record = self._get(recid)
        self._require(identity, "read", record)
        return [
            {
                "revision": revision.revision_id,
                "updated": revision.updated.isoformat() if revision.updated else None,
            }
            for revision in record.revisions
        ]

    def abilities(self, identity, record):
        """What the identity may do with the record."""
        return {
            f"can_{action}": self.policy_cls(action, record=record).allows(identity)
            for action in ("read", "update", "admin")
        }
