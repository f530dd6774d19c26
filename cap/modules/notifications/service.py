"""The notifications service: rules to messages, the audit trail, the rules' API.

Identity first, an optional unit of work for writes. :meth:`notify` runs in
the action's transaction: it evaluates the schema's rules, writes one
``queued`` row per message and registers the send task to run after the
commit. A message whose template fails is written ``failed`` at once (the
action goes on). Rules are those of the latest version of the deposit's
schema: the committee changes them through ``PUT .../notifications``.
"""

import logging
from datetime import UTC

from flask import current_app
from invenio_db import db
from invenio_db.uow import ModelCommitOp, unit_of_work

from ..access.policies import DepositPermissionPolicy, NotificationPermissionPolicy
from ..core.errors import InvalidRequestError, ValidationError
from ..core.uow import TaskOp
from ..schemas import api as schemas_api
from ..schemas import service as schemas_service
from .context import NotificationContext
from .models import STATUS_FAILED, STATUS_QUEUED, Notification
from .rules import build_messages, rule_errors, sandboxes_for
from .tasks import send_notification

LOGGER = logging.getLogger("cap.notifications")


def notification_item(row, blind_copies=True):
    """The answer of one audit row: who, when, what, how it went.

    ``blind_copies``: whether the ``bcc`` addresses are shown.
    """
    recipients = dict(row.recipients or {})
    if not blind_copies:
        recipients.pop("bcc", None)
    return {
        "id": row.id,
        "depid": row.depid,
        "action": row.action,
        "subject": row.subject,
        "recipients": recipients,
        "status": row.status,
        "attempts": row.attempts,
        "error": row.error,
        "sender": row.sender_id,
        # Stored naive in UTC; answered with the offset so clients read UTC.
        "created": row.created.replace(tzinfo=UTC).isoformat(),
        "updated": row.updated.replace(tzinfo=UTC).isoformat(),
    }


class NotificationService:
    """Evaluate rules at actions; list what was sent; read and change rules."""

    @staticmethod
    def _sandboxes_of_app():
        return sandboxes_for(current_app.config["CAP_NOTIFICATIONS_TEMPLATES_DIR"])

    def rule_errors(self, rules):
        """The field errors of ``rules`` (empty when they are valid)."""
        return rule_errors(
            rules,
            current_app.config["CAP_NOTIFICATIONS_ACTIONS"],
            NotificationContext.CTX_METHODS,
            NotificationContext.RECIPIENT_METHODS,
            self._sandboxes_of_app(),
        )

    @staticmethod
    def _rules_of(schema):
        return (schema.config or {}).get("notifications") or {}

    @unit_of_work()
    def notify(self, identity, event, uow=None):
        """Queue the messages the rules of ``event``'s schema give for its action."""
        config = current_app.config
        if not config["CAP_NOTIFICATIONS_ENABLED"]:
            return []
        rules = self._rules_of(schemas_api.get_schema(event.schema_name))
        if not rules:
            return []
        errors = self.rule_errors(rules)
        if errors:
            LOGGER.error("The notification rules of %s are invalid, nothing sent: %s",
                         event.schema_name, errors)
            return []
        context = NotificationContext(
            event, config["SITE_UI_URL"], config["CAP_NOTIFICATIONS_CMS_STATS_COMMITTEE"]
        )
        rows = []
        for message in build_messages(rules, event.action, context, self._sandboxes_of_app()):
            row = Notification(
                depid=event.depid, record_id=event.record_id, action=event.action,
                sender_id=event.submitter_id, subject=message.subject, body=message.body,
                html=message.html, recipients=message.recipients,
                status=STATUS_FAILED if message.error else STATUS_QUEUED, error=message.error,
            )
            uow.register(ModelCommitOp(row))
            rows.append(row)
        db.session.flush()  # the ids the tasks take
        for row in rows:
            if row.status == STATUS_QUEUED:
                uow.register(TaskOp(send_notification, row.id))
            else:
                LOGGER.error("Notification of deposit %s not built: %s", row.depid, row.error)
        return rows

    def list_for_deposit(self, identity, pid):
        """The trail of deposit ``pid``, oldest first, for those who may read it;
        blind copies only for those who administer it."""
        from ..deposit.proxies import current_deposit_service  # notifications build on deposits

        deposit = current_deposit_service.read(identity, pid)
        blind_copies = DepositPermissionPolicy("admin", record=deposit.record).allows(identity)
        rows = Notification.query.filter_by(depid=pid).order_by(Notification.id)
        return [notification_item(row, blind_copies) for row in rows]

    def list_failed(self, identity):
        """Every message that could not be sent (admins)."""
        NotificationPermissionPolicy("manage").require(identity)
        rows = Notification.query.filter_by(status=STATUS_FAILED).order_by(Notification.id)
        return [notification_item(row) for row in rows]

    def read_rules(self, identity, name):
        """The rules of schema ``name`` (its latest version), for its admins."""
        schema = schemas_api.get_schema(name)
        schemas_service.require(identity, "update", schema)
        return self._rules_of(schema) or {"actions": {}}

    @unit_of_work()
    def update_rules(self, identity, name, rules, uow=None):
        """Replace the rules of schema ``name`` (its latest version) once they validate."""
        schema = schemas_api.get_schema(name)
        schemas_service.require(identity, "update", schema)
        if not isinstance(rules, dict):
            raise InvalidRequestError("Expected a JSON object: {\"actions\": {...}}.")
        errors = self.rule_errors(rules)
        if errors:
            raise ValidationError("The notification rules are not valid.", errors)
        schema.config = {**(schema.config or {}), "notifications": rules}
        uow.register(ModelCommitOp(schema))
        return rules
