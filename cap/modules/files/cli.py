"""``cap files``: files-rest's commands (bucket, location) plus ``verify``,
``remove-orphans`` and ``location migrate``."""

import sys

import click
from flask.cli import with_appcontext
from invenio_access.permissions import system_identity
from invenio_files_rest.cli import files as files_rest_group
from invenio_files_rest.cli import location as files_rest_location
from invenio_pidstore.errors import PIDDoesNotExistError
from invenio_pidstore.models import PersistentIdentifier

from ..core.errors import CAPError
from .fixity import MISMATCH, FixityService, failed_files
from .locations import LocationService
from .orphans import OrphanFilesService


@click.group(commands=dict(files_rest_group.commands))
def files():
    """Files, buckets and storage locations."""


def record_uuid(pid_value):
    """The record (or draft) UUID of a recid or deposit id."""
    for pid_type in ("recid", "depid"):
        try:
            return PersistentIdentifier.get(pid_type, pid_value).object_uuid
        except PIDDoesNotExistError:
            continue
    raise click.BadParameter(f"no record or draft has the id {pid_value!r}", param_hint="--record")


@files.command("verify")
@click.option("--all", "all_files", is_flag=True, help="Every stored file.")
@click.option(
    "--record", "record_pid", default=None,
    help="The files of one record or draft (recid or deposit id).",
)
@click.option("--failed", is_flag=True, help="Only the files whose last check failed.")
@with_appcontext
def verify(all_files, record_pid, failed):
    """Re-read stored files and compare their checksums; exits 1 on any failure.

    Each result is stored on the file (as the scheduled check does) and
    shown by GET /api/admin/fixity.
    """
    if sum(map(bool, (all_files, record_pid, failed))) != 1:
        raise click.UsageError("give one of --all, --record ID or --failed")
    service = FixityService()
    record_id = record_uuid(record_pid) if record_pid else None
    selection = failed_files() if failed else None
    total = selection.count() if failed else service.count(system_identity, record_id=record_id)
    with click.progressbar(length=total, label="Verifying", file=sys.stderr) as bar:
        results = service.verify(
            system_identity,
            record_id=record_id,
            file_ids=[f.id for f in selection] if failed else None,
            progress=lambda _: bar.update(1),
        )
    click.echo(f"{total} file(s) checked, {len(results)} failed")
    for result in results:
        colour = "red" if result.status == MISMATCH else "yellow"
        where = ", ".join(f"{use.pid or '-'}:{use.key}" for use in result.uses)
        where = where or "(not in a bucket)"
        click.secho(f"{result.status:<11}{result.uri}  {where}", fg=colour)
    sys.exit(1 if results else 0)


@files.command("remove-orphans")
@click.option("--grace", type=click.IntRange(min=0), default=None,
              help="Keep files younger than this many seconds "
                   "(default: CAP_FILES_ORPHAN_GRACE_SECONDS).")
@click.option("--dry-run", is_flag=True, help="List them; remove nothing.")
@with_appcontext
def remove_orphans(grace, dry_run):
    """Remove files on disk that no file instance points at (interrupted uploads)."""
    from flask import current_app

    if grace is None:
        grace = current_app.config["CAP_FILES_ORPHAN_GRACE_SECONDS"]
    orphans = OrphanFilesService().remove(system_identity, grace, dry_run=dry_run)
    for orphan in orphans:
        click.echo(f"{orphan.size:>12}  {orphan.path}")
    verb = "would be removed" if dry_run else "removed"
    click.echo(f"{len(orphans)} orphan file(s), {sum(o.size for o in orphans)} bytes, {verb}")


@click.group("location", commands=dict(files_rest_location.commands))
def location():
    """Files locations (a path, root://host:port//path/ or s3://bucket/prefix)."""


@location.command("create")
@click.argument("name")
@click.argument("uri")
@click.option("--default", is_flag=True, help="New buckets go to this location.")
@with_appcontext
def create_location(name, uri, default):
    """Create a location; its URI must name a supported backend."""
    try:
        created = LocationService().create(system_identity, name, uri, default=default)
    except CAPError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"location {created.name} {created.uri}{' (default)' if default else ''} created")


@location.command("migrate")
@click.option("--record", "record_pid", required=True,
              help="The record or draft (recid or deposit id) whose files move.")
@click.option("--to", "target", required=True, help="The name of the location they move to.")
@with_appcontext
def migrate_location(record_pid, target):
    """Move a record's files to another location, each copy checked against its checksum."""
    service = LocationService()
    record_id = record_uuid(record_pid)
    try:
        pending = service.files_to_move(system_identity, record_id, target)
        done = {}
        with click.progressbar(length=sum(f.size for f in pending), label="Moving",
                               file=sys.stderr) as bar:
            def progress(file_instance, bytes_done):
                bar.update(bytes_done - done.get(file_instance.id, 0))
                done[file_instance.id] = bytes_done

            moved = service.migrate(system_identity, record_id, target, progress=progress)
    except CAPError as error:
        raise click.ClickException(error.message) from None
    for item in moved:
        note = "" if item.old_removed else "  (old copy left behind)"
        click.echo(f"{item.checksum}  {item.old_uri} -> {item.new_uri}{note}")
    click.echo(f"{len(moved)} file(s), {sum(m.size for m in moved)} bytes moved to {target}")


files.add_command(location)
