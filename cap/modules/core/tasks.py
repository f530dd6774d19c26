"""Celery tasks of the core module."""

from celery import shared_task

from .health import check_all


@shared_task(ignore_result=False)
def check_services():
    """Report the state of every service as a worker process sees it."""
    return {name: state["status"] for name, state in check_all().items()}
