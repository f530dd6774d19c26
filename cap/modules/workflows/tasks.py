"""Celery tasks of the workflows module: the beat task following unfinished runs."""

from celery import shared_task

from .proxies import current_workflow_service


@shared_task(ignore_result=False)
def follow_workflows():
    """Read the status of every unfinished run as the system; ``{seen, failed}``."""
    return current_workflow_service.follow_all()
