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
    resolved the schema in this call: the indexing hook and the serializer
    then need no look-up of their own (see ``indexer.schema_info_of``)."""

    files_dump = None
    """The file list of ``_bucket`` as ``records.api.dump_files`` gives it,
    set by the service when it already knows it in this call (a new draft's
    empty bucket, the files a publish froze), so the answer needs no second
    read of the bucket; ``None``: not known, read it."""

    save_errors = None
    """What the save made in this call said about the metadata, set by the
    service: ``{"not_saved": [...], "errors": [...]}`` field errors (values
    left out of the draft; values saved that publish would refuse). The
    answer to the save carries them; ``None``: no save in this call."""

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
