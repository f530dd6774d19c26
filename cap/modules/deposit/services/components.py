"""Components of the deposit service for files and PIDs.

Each is one side concern of the actions (see
:class:`cap.modules.access.components.ServiceComponent` for the hooks): the
service runs them in the configured order, and what a publish or a clone
builds travels between them in a :class:`Publication` or :class:`Cloning`.
"""

import uuid
from dataclasses import dataclass

from flask import current_app
from invenio_files_rest.models import MultipartObject
from invenio_pidstore.models import PersistentIdentifier

from ...access.components import ServiceComponent
from ...core.errors import field_error
from ...files.snapshots import snapshot_bucket
from ...records.api import dump_copies, dump_files
from ..minters import mint_recid
from .errors import UploadsInProgressError


@dataclass
class Publication:
    """A record being published from a draft, filled by the components."""

    draft: object
    schema: object
    data: dict
    """The record's JSON."""
    record: object = None
    """The record of an earlier publish (a new revision of it), else ``None``."""
    record_id: uuid.UUID | None = None
    """The id of the record (an earlier record's own, or a new one)."""
    bucket: object = None
    """The bucket of the record's files (a snapshot of the draft's)."""
    files: list | None = None
    """The draft's file list at publish (what the answer shows)."""


@dataclass
class Cloning:
    """A new draft being made from ``source``, filled by the components."""

    source: object
    bucket: object = None
    """The new draft's bucket."""


class FilesComponent(ServiceComponent):
    """Buckets: frozen at publish, reopened at edit, restored at discard,
    copied at clone, dropped at delete."""

    def publish(self, identity, publication, uow=None):
        """Refuse unfinished uploads; snapshot and lock the draft's bucket for the record."""
        bucket = publication.draft.bucket
        pending = MultipartObject.query.filter_by(bucket_id=bucket.id, completed=False)
        if pending.count():
            raise UploadsInProgressError(
                "Some uploads are not complete yet.",
                [field_error([m.key], "Upload not complete.") for m in pending],
            )
        api_url = current_app.config["SITE_API_URL"]
        files = dump_files(bucket, api_url)  # once: the answer's, and the record's copies
        versions = {}
        snapshot = snapshot_bucket(bucket, lock=True, versions=versions)
        bucket.locked = True
        copies = dump_copies(files, snapshot.id, versions, api_url)
        publication.data["_files"] = copies if copies is not None \
            else dump_files(snapshot, api_url)
        publication.bucket = snapshot
        publication.files = files

    def edit(self, identity, deposit, uow=None):
        """The draft's files can change again."""
        deposit.bucket.locked = False

    def discard(self, identity, deposit, record, uow=None):
        """The draft's files become the record's again."""
        bucket = deposit.bucket
        bucket.locked = False
        record.bucket.sync(bucket, delete_extras=True)
        bucket.locked = True

    def clone(self, identity, cloning, uow=None):
        """The new draft starts with a copy of the source's files."""
        cloning.bucket = snapshot_bucket(cloning.source.bucket, lock=False)

    def delete(self, identity, deposit, uow=None):
        """The draft's bucket goes with it."""
        bucket = deposit.bucket
        if bucket is not None:
            bucket.locked = False
            bucket.deleted = True


class PIDComponent(ServiceComponent):
    """Identifiers: a record id at the first publish, the draft's PID gone at delete."""

    def publish(self, identity, publication, uow=None):
        """The record's recid: the earlier record's, or a new one of the schema's format."""
        draft = publication.draft
        if publication.record is not None:
            recid = draft.recid
        else:
            recid = mint_recid(
                publication.record_id,
                experiment=draft.get("_experiment"),
                pid_format=(publication.schema.config or {}).get("pid_format"),
            ).pid_value
        publication.data["control_number"] = recid
        publication.data["_deposit"]["pid"] = {"type": "recid", "value": recid}

    def delete(self, identity, deposit, uow=None):
        """The draft's PID is deleted (it answers 410 from now on)."""
        PersistentIdentifier.get(deposit.pid_type, deposit.pid).delete()


class RecordOnlyFieldsComponent(ServiceComponent):
    """Fields that actions on a published record set and its draft never holds
    (the service config's ``record_only_fields``: the public flag, the Zenodo
    DOIs) stay on the record's new revisions: publish rewrites the record from
    the draft."""

    def publish(self, identity, publication, uow=None):
        """Carry them from the earlier revision into this one."""
        if publication.record is None:
            return
        for field in self.service.config.record_only_fields:
            if field in publication.record:
                publication.data[field] = publication.record[field]

