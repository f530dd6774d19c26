"""Published records: read (any revision) and search, identity first."""

from invenio_pidstore.errors import PIDDoesNotExistError

from ...access.policies import RecordPermissionPolicy
from ...core.errors import (
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    field_error,
)
from ...deposit.services.search import run_search, search_request
from ..api import PublishedRecord


class RecordService:
    """Read-only access to published records."""

    record_cls = PublishedRecord
    policy_cls = RecordPermissionPolicy

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
            return record
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
        return old

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
        """What the identity may do with the record (for serializers)."""
        return {
            f"can_{action}": self.policy_cls(action, record=record).allows(identity)
            for action in ("read", "update", "admin")
        }

    def search(self, identity, params, pending=None):
        """Records the identity may read; returns ``(engine answer, params)``.

        ``pending``: the search sent ahead (``search.speculation``), if any.
        """
        return run_search(identity, params, "records", self.policy_cls("read"), pending=pending)

    def search_request(self, identity, params):
        """The engine request :meth:`search` sends for ``identity``."""
        return search_request(identity, params, "records", self.policy_cls("read"))[0]
