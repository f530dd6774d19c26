"""Record layer of drafts: JSON, PID and bucket; no request, no ACL."""

from ...records.api import CAPRecord

STATUS_DRAFT = "draft"
STATUS_PUBLISHED = "published"


class Deposit(CAPRecord):
    """A draft.

    ``_deposit``: ``{id, status, created_by, owners, pid, cloned_from,
    fetched_from}``; ``_access``: the per-draft grants
    (``deposit-read|update|admin|review`` -> ``{users, roles}``), their only
    storage; ``_experiment``; ``_bucket``: the live files.
    """

    pid_type = "depid"

    schema_info = None
    """``{name, version, fullname}`` of ``$schema``, set by the service that
    resolved the schema in this call: the indexing hook and the result item
    then need no look-up of their own (see ``records.indexer.schema_info_of``)."""

    @property
    def pid(self):
        """The draft's PID value (uuid hex)."""
        return self["_deposit"]["id"]

    @property
    def status(self):
        """``draft`` or ``published``."""
        return self["_deposit"].get("status", STATUS_DRAFT)

    @property
    def recid(self):
        """The record id once published, else ``None``."""
        return (self["_deposit"].get("pid") or {}).get("value")

    @property
    def is_published(self):
        """Whether the draft has been published at least once."""
        return bool(self["_deposit"].get("pid"))
