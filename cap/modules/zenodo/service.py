"""Publishing a record to Zenodo, identity first.

The first run creates a deposition; every later run a new version of the
last one (the same concept DOI). The deposition gets the record's citation
(:func:`~.metadata.zenodo_metadata`) and the chosen files of its frozen
snapshot, is published, and its DOIs are stored on the record (``_zenodo``),
which exports then name.
"""

from flask import current_app
from invenio_db.uow import unit_of_work
from invenio_files_rest.models import ObjectVersion

from ..access.generators import identity_user_id
from ..access.policies import RecordPermissionPolicy
from ..core.errors import (
    InvalidRequestError,
    PermissionDeniedError,
    field_error,
)
from ..core.uow import RecordCommitOp
from ..exports.formats import record_citation
from ..linked_accounts.proxies import current_linked_accounts_service
from ..records.api import PublishedRecord
from ..records.indexer import get_indexer
from ..records.services.results import record_item
from ..records.services.service import readable_record
from ..schemas.api import get_schema_by_url, goes_to_zenodo
from .client import ZenodoClient
from .metadata import zenodo_metadata


def zenodo_client(token=None):
    """The client of the configured Zenodo, with ``token`` (a linked account's) or the
    instance token."""
    config = current_app.config
    return ZenodoClient(config["CAP_ZENODO_API_URL"], token or config["CAP_ZENODO_TOKEN"],
                        timeout=config["CAP_ZENODO_TIMEOUT"],
                        retries=config["CAP_ZENODO_RETRIES"])


class ZenodoService:
    """Records to Zenodo; Zenodo records looked up."""

    policy_cls = RecordPermissionPolicy
    record_cls = PublishedRecord
    client_factory = staticmethod(zenodo_client)

    def _record(self, identity, recid):
        record = readable_record(identity, recid, self.record_cls, self.policy_cls,
                                 for_update=True)
        self.policy_cls("zenodo", record=record).require(identity)
        schema = get_schema_by_url(record["$schema"])
        if not goes_to_zenodo(schema):
            raise PermissionDeniedError(
                f"Records of {schema.name} do not go to Zenodo: its collaboration has not "
                "allowed it (schema config).")
        return record

    @staticmethod
    def _chosen(record, keys):
        files = {entry["key"]: entry for entry in record.get("_files") or []}
        if keys is None:
            return list(files.values())
        if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
            message = "Give a list of file names."
            raise InvalidRequestError(message, [field_error("files", message)])
        errors = [field_error(f"files.{index}", f"The record has no file {key!r}.")
                  for index, key in enumerate(keys) if key not in files]
        if errors:
            raise InvalidRequestError("Some files are not in the record.", errors)
        return [files[key] for key in dict.fromkeys(keys)]

    @unit_of_work()
    def publish(self, identity, recid, files=None, uow=None):
        """Publish the record (and ``files``, names of its files; default all) to
        Zenodo; answers the record item, its ``_zenodo`` set."""
        record = self._record(identity, recid)
        chosen = self._chosen(record, files)
        if not chosen:
            message = "Zenodo publishes records with at least one file."
            raise InvalidRequestError(message, [field_error("files", message)])
        citation = record_citation(record_item(identity, record))
        metadata = zenodo_metadata(citation, current_app.config["CAP_ZENODO_LICENSE"])
        # The caller's linked Zenodo account when there is one: the deposition is theirs.
        client = self.client_factory(
            current_linked_accounts_service.token(identity_user_id(identity), "zenodo"))
        previous = record.get("_zenodo")
        deposition = client.new_version(previous["id"]) if previous else client.create()
        for inherited in deposition.get("files") or []:  # a new version starts with the old
            client.delete_file(deposition["id"], inherited["id"])
        client.set_metadata(deposition["id"], metadata)
        for entry in chosen:
            stored = ObjectVersion.get(entry["bucket"], entry["key"], entry["version_id"])
            with stored.file.storage().open() as stream:
                client.upload(deposition["links"]["bucket"], entry["key"], stream)
        published = client.publish(deposition["id"])
        record["_zenodo"] = {
            "id": published["id"],
            "doi": published["doi"],
            "conceptdoi": published.get("conceptdoi"),
            "conceptrecid": published.get("conceptrecid"),
            "url": (published.get("links") or {}).get("record_html"),
            "files": [entry["key"] for entry in chosen],
        }
        uow.register(RecordCommitOp(record, get_indexer()))
        return record_item(identity, record)

    def record(self, identity, zenodo_id):
        """A Zenodo record (any logged-in user may look one up)."""
        self.policy_cls("zenodo_lookup").require(identity)
        if not str(zenodo_id).isdigit():
            message = "A Zenodo record id is a number."
            raise InvalidRequestError(message, [field_error("id", message)])
        return self.client_factory().record(zenodo_id)
