"""The deposit service built from a config variant: every action runs its
components' hook, in the configured order, inside the action's unit of work."""

import pytest
from invenio_db import db

from cap.modules.access.components import ServiceComponent
from cap.modules.deposit.services.components import (
    FilesComponent,
    PIDComponent,
    RecordOnlyFieldsComponent,
)
from cap.modules.deposit.services.config import DepositServiceConfig
from cap.modules.deposit.services.errors import UploadsInProgressError
from cap.modules.deposit.services.service import DepositService
from cap.modules.notifications.components import NotificationComponent
from cap.modules.records.services.results import RecordItem


class Journal(ServiceComponent):
    """Notes which hook ran, and what the hook saw."""

    calls = []

    def publish(self, identity, publication, uow=None):
        """After the files and PID components: the record's data is complete."""
        Journal.calls.append(("publish", publication.data["control_number"],
                              str(publication.bucket.id) != publication.draft["_bucket"]))

    def edit(self, identity, deposit, uow=None):
        """The bucket is unlocked already (files run first)."""
        Journal.calls.append(("edit", deposit.bucket.locked))

    def discard(self, identity, deposit, record, uow=None):
        """Draft and record at hand."""
        Journal.calls.append(("discard", record.recid == deposit.recid))

    def clone(self, identity, cloning, uow=None):
        """The new draft's bucket is made already."""
        Journal.calls.append(("clone", cloning.bucket is not None))

    def delete(self, identity, deposit, uow=None):
        """Before the draft goes."""
        Journal.calls.append(("delete", deposit.pid))


class JournalConfig(DepositServiceConfig):
    """A variant: one more component, last."""

    components = (*DepositServiceConfig.components, Journal)


@pytest.fixture
def journal_service(app):
    Journal.calls = []
    return DepositService(JournalConfig)


def test_variant_runs_every_action_through_its_components(env, journal_service, complete):
    owner = env.users.owner.identity
    service = journal_service
    assert service.components[-5:] == (FilesComponent, PIDComponent, RecordOnlyFieldsComponent,
                                        NotificationComponent, Journal)
    draft = service.create(owner, {"$ana_type": "generic", **complete})
    published = service.publish(owner, draft.pid)
    assert isinstance(published, RecordItem) and published.record is not None
    service.edit(owner, draft.pid)
    service.discard(owner, draft.pid)
    clone = service.clone(owner, draft.pid)
    service.delete(owner, clone.pid)
    db.session.commit()
    assert Journal.calls == [
        ("publish", published.recid, True),
        ("edit", False),
        ("discard", True),
        ("clone", True),
        ("delete", clone.pid),
    ]


def test_a_refusing_component_stops_the_publish(env, journal_service, complete):
    from invenio_files_rest.models import MultipartObject

    owner = env.users.owner.identity
    draft = journal_service.create(owner, {"$ana_type": "generic", **complete})
    MultipartObject.create(draft.bucket, "big.bin", size=10 * 2**20, chunk_size=5 * 2**20)
    db.session.commit()
    with pytest.raises(UploadsInProgressError):
        journal_service.publish(owner, draft.pid)
    assert Journal.calls == []  # files refused before anyone else ran
    assert journal_service.read(owner, draft.pid)["_deposit"]["status"] == "draft"
