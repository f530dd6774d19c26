"""Celery tasks: one package built in the background, and the scheduled archive export."""

import json
from datetime import UTC, datetime
from pathlib import Path

from celery import shared_task
from flask import current_app
from invenio_access.permissions import system_identity
from invenio_records.models import RecordMetadata

from .proxies import current_package_service


# Its state is polled over HTTP: an eager run (tests, CELERY_TASK_ALWAYS_EAGER) keeps it too.
@shared_task(bind=True, ignore_result=False, store_eager_result=True)
def build_package(self, recid, target, all_revisions=False, layout_name="bagit"):
    """Write the package of ``recid`` to ``target`` as the system (callers check
    the policy before queuing); the state is ``PROGRESS`` with ``{done, total}``
    files while it runs."""

    def progress(done, total):
        self.update_state(state="PROGRESS", meta={"done": done, "total": total})

    path = current_package_service.export(
        system_identity, recid, target, all_revisions=all_revisions,
        layout_name=layout_name, progress=progress,
    )
    return {"recid": recid, "path": str(path)}


def _published_since(since):
    """``[(recid, revision, updated)]`` of records changed after ``since`` (None: all)."""
    query = RecordMetadata.query.filter(RecordMetadata.json["control_number"].isnot(None))
    if since is not None:
        query = query.filter(RecordMetadata.updated > since)
    return [(row.json["control_number"], row.version_id - 1, row.updated)
            for row in query.order_by(RecordMetadata.updated)]


@shared_task(ignore_result=False)
def export_new_records():
    """Package every record published (or republished) since the last run into
    ``CAP_PACKAGES_ARCHIVE_DIR/<recid>/revision-<n>`` (the second-level archive).

    The folder's state file remembers up to when records were exported; a
    package already there is left as it is. Nothing happens without a folder.
    """
    config = current_app.config
    archive = config["CAP_PACKAGES_ARCHIVE_DIR"]
    if not archive:
        return {"exported": []}
    archive = Path(archive)
    archive.mkdir(parents=True, exist_ok=True)
    state_file = archive / config["CAP_PACKAGES_ARCHIVE_STATE"]
    since = None
    if state_file.exists():
        since = datetime.fromisoformat(json.loads(state_file.read_text())["until"])
    exported, until = [], since
    for recid, revision, updated in _published_since(since):
        target = archive / recid.replace("/", "_") / f"revision-{revision}"
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            current_package_service.export(system_identity, recid, target,
                                           layout_name=config["CAP_PACKAGES_ARCHIVE_LAYOUT"])
            exported.append(str(target))
        until = updated
    if until is not None:
        state_file.write_text(json.dumps({
            "until": until.isoformat(), "ran": datetime.now(UTC).isoformat(),
        }))
    return {"exported": exported}
