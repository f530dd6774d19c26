"""Celery tasks of the files module: the fixity alert (hourly beat) and the
removal of files left by interrupted uploads (daily beat).

The checks themselves are files-rest's ``schedule_checksum_verification``
(beat) and ``verify_checksum``; see ``CELERY_BEAT_SCHEDULE`` in cap/config.py.
"""

from celery import shared_task
from flask import current_app
from invenio_access.permissions import system_identity
from invenio_mail.tasks import send_email

from .fixity import FixityService
from .orphans import OrphanFilesService


def alert_text(results):
    """The body of an alert mail: one paragraph per failed file."""
    lines = [
        f"{len(results)} stored file(s) failed their fixity check.",
        "",
    ]
    for result in results:
        lines.append(f"{result.status.upper()}  {result.uri}")
        lines.append(
            f"  expected {result.checksum}, {result.size} bytes,"
            f" checked {result.checked_at:%Y-%m-%d %H:%M} UTC"
        )
        for use in result.uses:
            lines.append(
                f"  used by {use.pid or '(no record)'}: {use.key} (version {use.version_id})"
            )
        lines.append("")
    lines.append("Re-check with: cap files verify --failed")
    return "\n".join(lines)


@shared_task(ignore_result=True)
def alert_fixity_failures():
    """Mail the admins about failed checks not alerted yet, once each."""
    service = FixityService()
    results = service.unalerted_failures(system_identity)
    if not results:
        return 0
    recipients = current_app.config["CAP_FILES_FIXITY_ALERT_RECIPIENTS"]
    current_app.logger.error(
        "fixity: %d file(s) failed their check: %s",
        len(results),
        ", ".join(result.uri for result in results),
    )
    if recipients:
        send_email.delay(
            {
                "subject": f"[CAP] fixity check failed for {len(results)} file(s)",
                "sender": current_app.config["MAIL_DEFAULT_SENDER"],
                "recipients": list(recipients),
                "body": alert_text(results),
            }
        )
    service.mark_alerted(system_identity, results)
    return len(results)


@shared_task(ignore_result=True)
def remove_orphan_files():
    """Delete files no file instance points at, older than the grace period."""
    grace = current_app.config["CAP_FILES_ORPHAN_GRACE_SECONDS"]
    removed = OrphanFilesService().remove(system_identity, grace)
    if removed:
        current_app.logger.warning(
            "files: removed %d orphan file(s), %d bytes: %s", len(removed),
            sum(orphan.size for orphan in removed), ", ".join(o.path for o in removed))
    return len(removed)
