"""Celery tasks of the CADI module: the daily sync (beat), retried when CADI is down."""

from celery import shared_task
from flask import current_app

from ...core.errors import UpstreamTimeoutError, UpstreamUnavailableError
from .sync import sync_from_cadi


@shared_task(bind=True, ignore_result=False, max_retries=None)
def sync_cadi(self, since=None, full=False):
    """Sync from CADI as the system identity; returns the summary counts.

    Upstream failures are recorded (a failed run) and retried with
    exponential backoff, up to ``CAP_CADI_TASK_MAX_RETRIES`` times.
    """
    try:
        summary, _ = sync_from_cadi(since=since, full=full)
    except (UpstreamUnavailableError, UpstreamTimeoutError) as error:
        config = current_app.config
        if self.request.retries >= config["CAP_CADI_TASK_MAX_RETRIES"]:
            raise
        countdown = config["CAP_CADI_TASK_RETRY_BACKOFF"] * (2**self.request.retries)
        raise self.retry(exc=error, countdown=countdown) from None
    return summary.to_dict()
