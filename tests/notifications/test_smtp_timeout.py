"""An SMTP server that takes the connection and never answers: the send gives
up after ``CAP_NOTIFICATIONS_SMTP_TIMEOUT`` seconds, and is retried."""

import time

import pytest
from fakes.smtp_server import SilentServer
from invenio_db import db

from cap.modules.notifications.models import Notification
from cap.modules.notifications.tasks import send_notification

TIMEOUT = 1


@pytest.fixture(scope="module")
def silent():
    """The hung server."""
    server = SilentServer()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def app_config(app_config, silent):
    """Mail to the hung server; a one-second SMTP timeout; one retry."""
    app_config.update(MAIL_PORT=silent.port, CAP_NOTIFICATIONS_SMTP_TIMEOUT=TIMEOUT,
                      CAP_NOTIFICATIONS_MAX_RETRIES=1)
    return app_config


def test_a_server_that_never_answers_times_out_each_attempt(app, database, silent):
    row = Notification(depid="timeout-1", action="publish", subject="To a hung server",
                       body="...", recipients={"to": ["committee@cern.ch"]})
    db.session.add(row)
    db.session.commit()
    started = time.monotonic()
    send_notification(row.id)  # eager here: the retry runs at once
    elapsed = time.monotonic() - started
    db.session.refresh(row)
    assert silent.accepted == 2  # the connection was taken, twice
    assert row.status == "failed" and row.attempts == 2
    # smtplib reports the greeting's read timeout as a lost connection.
    assert row.error == "SMTPServerDisconnected: Connection unexpectedly closed: timed out"
    assert 2 * TIMEOUT <= elapsed < 2 * TIMEOUT + 5
