"""Service components for access concerns: field protection, record grants.

The deposit service runs each configured component's hook at the matching
point of an action (``create``, ``update``, ``share``, ``publish``, ``edit``,
``discard``, ``clone``, ``delete``); the rules live here,
the service only calls them. A component raises plain service errors and
registers unit-of-work operations on the ``uow`` it is given, so its
changes commit (and index) together with the service's own.
"""

from ..core.uow import RecordCommitOp
from .fields import check_changes


def record_grants(deposit_access):
    """Record grants copied from a draft's grants (``deposit-X`` -> ``record-X``)."""
    access = {}
    for key, grant in (deposit_access or {}).items():
        if key.startswith("deposit-"):
            access["record-" + key[len("deposit-"):]] = {
                "users": list(grant.get("users", [])),
                "roles": list(grant.get("roles", [])),
            }
    return access


class ServiceComponent:
    """A side concern of the deposit service; every hook does nothing by default."""

    def __init__(self, service):
        """Keep the service (for its record classes and indexer)."""
        self.service = service

    def create(self, identity, schema, metadata, uow=None):
        """Before a new draft of ``schema`` is written with ``metadata``."""

    def update(self, identity, deposit, schema, metadata, uow=None):
        """Before ``deposit``'s user metadata is replaced with ``metadata``."""

    def share(self, identity, deposit, uow=None):
        """After ``deposit``'s grants (``_access``) changed."""

    def publish(self, identity, publication, uow=None):
        """Before the record is written from ``publication`` (its ``data``, ``bucket`` ...)."""

    def edit(self, identity, deposit, uow=None):
        """When a published ``deposit`` is reopened for changes."""

    def discard(self, identity, deposit, record, uow=None):
        """When ``deposit`` goes back to its published ``record``."""

    def clone(self, identity, cloning, uow=None):
        """Before the new draft of ``cloning`` (its ``source``, ``bucket`` ...) is written."""

    def delete(self, identity, deposit, uow=None):
        """When a never-published ``deposit`` is deleted."""


class FieldProtectionComponent(ServiceComponent):
    """Refuse changes of fields the schema reserves to other people."""

    def create(self, identity, schema, metadata, uow=None):
        """A new draft may not set a field the creator may not change."""
        check_changes(identity, schema, {}, metadata)

    def update(self, identity, deposit, schema, metadata, uow=None):
        """An update may not change the value of a field the caller may not change."""
        check_changes(identity, schema, deposit.metadata, metadata)


class RecordGrantsComponent(ServiceComponent):
    """A record has its draft's grants: at publish, and when the draft is shared.

    The record's ``record-*`` grants are rewritten from the draft's
    ``deposit-*`` grants in the same unit of work, so both are committed
    together and both reindexed after the commit.
    """

    def share(self, identity, deposit, uow=None):
        """Copy the draft's grants to its record, if it has one."""
        if not deposit.is_published:
            return
        record = self.service.published_cls.get_by_pid(deposit.recid)
        grants = record_grants(deposit.get("_access"))
        if record.get("_access") == grants:
            return
        record["_access"] = grants
        uow.register(RecordCommitOp(record, self.service.indexer, index_refresh=True))

    def publish(self, identity, publication, uow=None):
        """The record is read, updated and administered as the draft is."""
        publication.data["_access"] = record_grants(publication.draft.get("_access"))


ACCESS_COMPONENTS = (FieldProtectionComponent, RecordGrantsComponent)
"""The access components every deposit service runs."""
