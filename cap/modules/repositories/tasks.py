"""Celery tasks: download a snapshot, check that CAP's hooks are still there."""

from celery import shared_task

from .proxies import current_repositories_service


@shared_task(ignore_result=False, acks_late=True)
def download_snapshot(snapshot_id, project_id):
    """Download one queued snapshot into its draft (retries are the client's, in its budget)."""
    return current_repositories_service.download(snapshot_id, project_id)


@shared_task(ignore_result=False)
def check_webhooks():
    """Mark hooks the hosts no longer have as ``dead``; returns how many."""
    return current_repositories_service.check_webhooks()
