"""Celery task: reload the DAS list from its configured source (daily beat)."""

from celery import shared_task
from flask import current_app

from . import api, sources


@shared_task(bind=True, ignore_result=False, max_retries=None)
def reload_datasets(self):
    """Rebuild the dataset index from ``CAP_DAS_SOURCE_FILE``/``_URL`` (or the command).

    Does nothing unless a source is configured (``CAP_DAS_SOURCE_*`` or
    ``CAP_DAS_RELOAD_WITH_COMMAND``). A source that fails is recorded as the
    ``das`` status and retried with exponential backoff, up to
    ``CAP_DAS_TASK_MAX_RETRIES`` times; the current index stays meanwhile.
    """
    config = current_app.config
    use_command = config["CAP_DAS_RELOAD_WITH_COMMAND"]
    if not (config["CAP_DAS_SOURCE_FILE"] or config["CAP_DAS_SOURCE_URL"] or use_command):
        return {"skipped": "no DAS source configured"}
    try:
        lines, label = sources.choose(config, command=use_command)
        summary = api.load(lines, replace=True)
    except sources.SourceError as error:
        if self.request.retries >= config["CAP_DAS_TASK_MAX_RETRIES"]:
            raise
        countdown = config["CAP_DAS_TASK_RETRY_BACKOFF"] * (2**self.request.retries)
        raise self.retry(exc=error, countdown=countdown) from None
    return {"source": label, "indexed": summary.indexed, "data": summary.data,
            "mc": summary.mc, "malformed": summary.malformed}
