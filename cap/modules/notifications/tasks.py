"""The send task: one stored message to the SMTP server, retried with back-off.

Queued by the unit of work after the action committed (a
:class:`~cap.modules.core.uow.TaskOp`), so a send, failed or not, never
touches the action. After the last retry the row is marked ``failed`` with
the reason and the failure logged; nothing is raised to the caller.
"""

import logging
import smtplib

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from flask import current_app
from flask_mail import Connection, Message
from invenio_db import db

from . import config
from .models import STATUS_FAILED, STATUS_QUEUED, STATUS_SENT, STATUS_SUPPRESSED, Notification

LOGGER = logging.getLogger("cap.notifications")

SEND_ERRORS = (smtplib.SMTPException, OSError, SoftTimeLimitExceeded)


class TimedConnection(Connection):
    """Flask-Mail's SMTP connection with a socket timeout.

    Flask-Mail 0.9.1 opens ``smtplib.SMTP`` without one, so a server that
    accepts the connection and never answers would hold the worker until the
    task's time limit (and the solo pool, which has none, for ever).
    """

    def __init__(self, mail, timeout):
        """``mail``: Flask-Mail's state; ``timeout``: seconds per socket operation."""
        super().__init__(mail)
        self.timeout = timeout

    def configure_host(self):
        """Flask-Mail's connection steps, with ``timeout`` on the socket."""
        smtp = smtplib.SMTP_SSL if self.mail.use_ssl else smtplib.SMTP
        host = smtp(self.mail.server, self.mail.port, timeout=self.timeout)
        host.set_debuglevel(int(self.mail.debug))
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host


def _reason(error):
    """What went wrong, for the audit trail: the server's code and text as it said them."""
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error
        if isinstance(text, bytes):
            text = text.decode("utf-8", errors="replace")
        return f"{type(error).__name__}: {error.smtp_code} {text}"
    return f"{type(error).__name__}: {error}"


def _message(row):
    recipients = row.recipients or {}
    message = Message(
        subject=row.subject,
        recipients=recipients.get("to", []),
        cc=recipients.get("cc", []),
        bcc=recipients.get("bcc", []),
    )
    if row.html:
        message.html = row.body
    else:
        message.body = row.body
    return message


@shared_task(ignore_result=True, soft_time_limit=config.CAP_NOTIFICATIONS_SEND_TIME_LIMIT)
def send_notification(notification_id):
    """Send notification ``notification_id``; on SMTP or network errors, queue it again.

    The retry is a new task with a countdown, counted by the row's ``attempts``
    rather than ``Task.retry``: under Flask-CeleryExt's ``AppContextTask`` the
    task's request context is replaced by a bare one, so ``retry`` re-raises
    instead of retrying (celery/celery#9208, fixed after the celery 5.4 we pin).
    """
    row = db.session.get(Notification, notification_id)
    if row is None or row.status != STATUS_QUEUED:
        return
    if not current_app.config["CAP_NOTIFICATIONS_ENABLED"]:  # switched off since it was queued
        row.status, row.error = STATUS_FAILED, "Not sent: notifications are switched off."
        db.session.commit()
        return
    mail = current_app.extensions["mail"]
    row.attempts += 1
    try:
        with TimedConnection(mail, current_app.config["CAP_NOTIFICATIONS_SMTP_TIMEOUT"]) as smtp:
            smtp.send(_message(row))
    except SEND_ERRORS as error:
        row.error = _reason(error)
        retries = current_app.config["CAP_NOTIFICATIONS_MAX_RETRIES"]
        if row.attempts <= retries:
            db.session.commit()
            backoff = current_app.config["CAP_NOTIFICATIONS_RETRY_BACKOFF"]
            LOGGER.warning("Notification %s not sent (%s); retry %s of %s.",
                           row.id, row.error, row.attempts, retries)
            send_notification.apply_async(
                (notification_id,), countdown=backoff * 2 ** (row.attempts - 1)
            )
            return
        row.status = STATUS_FAILED
        db.session.commit()
        LOGGER.error(
            "Notification %s of deposit %s (%r) failed after %s attempts: %s",
            row.id, row.depid, row.subject, row.attempts, row.error,
        )
        return
    row.status = STATUS_SUPPRESSED if mail.suppress else STATUS_SENT
    row.error = None
    db.session.commit()
