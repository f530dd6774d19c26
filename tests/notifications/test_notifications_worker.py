"""The send task in a real Celery worker (through RabbitMQ): a refusing SMTP
server is retried with exponential back-off, then the message is marked
failed, logged, and listed for admins at /api/notifications/failed."""

import os
import time

import pytest
from invenio_db import db
from support.live import celery_worker

from cap.modules.notifications.models import Notification

BACKOFF = 1
"""Seconds before the first retry here (30 by default): the test waits 1 + 2."""

WORKER_SETTINGS = ("MAIL_SERVER", "MAIL_PORT", "MAIL_SUPPRESS_SEND",
                   "CAP_NOTIFICATIONS_MAX_RETRIES", "CAP_NOTIFICATIONS_RETRY_BACKOFF",
                   "CAP_NOTIFICATIONS_CMS_STATS_COMMITTEE")


@pytest.fixture(scope="module")
def celery_config_ext(celery_config_ext):
    """Tasks go to the broker, on a queue of this module, for the worker."""
    celery_config_ext.update(CELERY_TASK_ALWAYS_EAGER=False,
                             CELERY_TASK_DEFAULT_QUEUE=f"cap-notifications-{os.getpid()}")
    return celery_config_ext


@pytest.fixture(scope="module")
def app_config(app_config):
    """Quick back-off (the conftest's two retries)."""
    app_config.update(CAP_NOTIFICATIONS_RETRY_BACKOFF=BACKOFF)
    return app_config


@pytest.fixture(scope="module")
def worker(app, instance_path, tmp_path_factory, smtp):
    """A prefork worker (as ``./scripts/run`` starts it) with this app's mail settings."""
    log = tmp_path_factory.mktemp("worker") / "celery.log"
    settings = {f"INVENIO_{key}": repr(app.config[key]) for key in WORKER_SETTINGS}
    with celery_worker(app, instance_path, log, **settings) as process:
        process.log = log
        yield process


def trail_row(depid, status, seconds=60):
    """The deposit's one audit row once it has ``status`` (the worker writes it)."""
    deadline = time.monotonic() + seconds
    while True:
        db.session.rollback()  # a fresh snapshot: the worker commits in its own process
        row = Notification.query.filter_by(depid=depid).one_or_none()
        if row is not None and row.status == status:
            return row
        assert time.monotonic() < deadline, f"no {status} notification: {row and row.status}"
        time.sleep(0.2)


def test_refused_sends_back_off_then_fail_and_are_listed_for_admins(
    app, database, location, schemas, users, example, worker, smtp, client
):
    from cap.modules.deposit.proxies import current_deposit_service

    mailbox = smtp.handler
    mailbox.reset()
    mailbox.mode = "refuse"
    draft = current_deposit_service.create(
        users.owner.identity,
        {"$ana_type": "cms-stats-questionnaire", **example("cms-stats-questionnaire")})
    published = current_deposit_service.publish(users.owner.identity, draft.pid)
    recid = published["_deposit"]["pid"]["value"]

    row = trail_row(draft.pid, "failed")
    retries = app.config["CAP_NOTIFICATIONS_MAX_RETRIES"]
    assert row.attempts == retries + 1 == mailbox.refused
    assert row.error == "SMTPDataError: 554 5.7.1 Relaying refused"
    first, second, third = mailbox.refused_at
    # Each retry waits twice as long as the one before: 1 s, then 2 s.
    assert BACKOFF <= second - first < BACKOFF + 3
    assert 2 * BACKOFF <= third - second < 2 * BACKOFF + 3
    assert mailbox.messages == []

    # The publish stands; the failure is in the worker's log and listed for admins.
    assert client.get(f"/records/{recid}", headers=users.owner.headers).status_code == 200
    log = worker.log.read_text()
    assert f"Notification {row.id} of deposit {draft.pid}" in log
    assert f"failed after {retries + 1} attempts: SMTPDataError" in log
    assert log.count(f"Notification {row.id} not sent") == retries
    failed = client.get("/notifications/failed", headers=users.admin.headers)
    assert failed.status_code == 200
    [hit] = [hit for hit in failed.json["hits"]["hits"] if hit["id"] == row.id]
    assert hit["status"] == "failed" and hit["attempts"] == retries + 1
    assert client.get("/notifications/failed", headers=users.owner.headers).status_code == 403


def test_a_send_that_succeeds_on_a_retry_is_sent(
    app, database, location, schemas, users, example, worker, smtp
):
    """The server refuses the first attempt only: the retry delivers."""
    from cap.modules.deposit.proxies import current_deposit_service

    mailbox = smtp.handler
    mailbox.reset()
    mailbox.mode = "refuse"
    draft = current_deposit_service.create(
        users.owner.identity,
        {"$ana_type": "cms-stats-questionnaire", **example("cms-stats-questionnaire")})
    current_deposit_service.publish(users.owner.identity, draft.pid)
    deadline = time.monotonic() + 30
    while not mailbox.refused:
        assert time.monotonic() < deadline, "the worker never tried"
        time.sleep(0.05)
    mailbox.mode = "normal"
    row = trail_row(draft.pid, "sent")
    assert row.attempts == 2 and row.error is None
    [message] = mailbox.messages
    assert message["Subject"] == row.subject
