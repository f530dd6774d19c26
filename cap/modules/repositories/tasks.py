"""Celery tasks: download snapshots (also those that waited), check CAP's hooks."""

from celery import shared_task

from .proxies import current_repositories_service


@shared_task(ignore_result=False, acks_late=True)
def download_snapshot(snapshot_id):
    """Download one queued snapshot into its draft (retries are the client's, in its budget)."""
    return current_repositories_service.download(snapshot_id)


@shared_task(ignore_result=False)
def attach_waiting_snapshots():
    """Queue snapshots whose published draft has been edited since; returns how many."""
    return current_repositories_service.attach_waiting()


@shared_task(ignore_result=False)
def check_webhooks():
    """Mark hooks the hosts no longer have as ``dead``; returns how many."""
    return current_repositories_service.check_webhooks()
