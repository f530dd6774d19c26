"""The deposit service's hook: a publish queues the schema's ``publish`` messages."""

from ..access.components import ServiceComponent
from ..access.generators import identity_user_id
from .context import Event
from .proxies import current_notification_service


class NotificationComponent(ServiceComponent):
    """Evaluate the ``publish`` rules in the publish's own unit of work.

    The rows commit with the record; the mails go after the commit.
    """

    def publish(self, identity, publication, uow=None):
        """The record's data is complete here (PID minted by the earlier components)."""
        record = publication.record
        event = Event(
            action="publish",
            depid=publication.draft.pid,
            data=publication.data,
            schema_name=publication.schema.name,
            record_id=publication.record_id,
            submitter_id=identity_user_id(identity),
            published_id=publication.data.get("control_number"),
            revision=record.revision_id + 1 if record is not None else 0,
            draft_revision=publication.draft.revision_id,
        )
        current_notification_service.notify(identity, event, uow=uow)
