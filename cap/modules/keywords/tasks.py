"""Celery task: harvest the keywords spreadsheet, retried when it is down."""

from celery import shared_task

from ..core.errors import UpstreamTimeoutError, UpstreamUnavailableError
from .service import harvest_keywords


@shared_task(bind=True, ignore_result=False, max_retries=3)
def sync_keywords(self):
    """Download and index the keywords; returns how many were indexed."""
    try:
        load = harvest_keywords()
    except (UpstreamUnavailableError, UpstreamTimeoutError) as error:
        raise self.retry(exc=error, countdown=600 * (2**self.request.retries)) from None
    return {"indexed": load.indexed, "problems": load.problems}
