"""``cap migrate legacy PATH``: import a legacy CAP export."""

import sys
from collections import Counter

import click
from flask.cli import with_appcontext
from invenio_access.permissions import system_identity

from ..core.errors import CAPError, field_label
from .files import DownloadedFiles
from .legacy import read_export
from .service import FAILED, STATUSES, LegacyImportService, count_outcomes


@click.group()
def migrate():
    """Import content from other systems."""


@migrate.command("legacy")
@click.argument("path", type=click.Path(exists=True))
@click.option(
    "--files-dir",
    type=click.Path(exists=True, file_okay=False),
    default=None,
    help="Folder of the files: <deposit id>/<key> (or <recid>/<key>).",
)
@click.option(
    "--files-url",
    default=None,
    help="URL template of the files not in --files-dir, e.g. "
    "https://host/api/files/{bucket}/{key} (also {version_id}, {depid}, {recid}).",
)
@click.option(
    "--timeout",
    type=click.IntRange(min=1),
    default=DownloadedFiles.timeout,
    show_default=True,
    help="Seconds a file download may stay silent.",
)
@click.option("--dry-run", is_flag=True, help="Check and compare only; write nothing.")
@with_appcontext
def legacy(path, files_dir, files_url, timeout, dry_run):
    """Import legacy CAP deposits and records (one JSON per document under PATH).

    Ids, recids, owners, grants, record revisions and files (from a folder or
    downloaded, checksums verified) are kept. Run it again at will: what is imported already is
    unchanged. Exits 1 when anything failed.
    """
    export = read_export(path)
    service = LegacyImportService()
    with click.progressbar(
        length=count_outcomes(export), label="Importing", file=sys.stderr
    ) as bar:
        try:
            outcomes = service.import_export(
                system_identity,
                export,
                files_dir=files_dir,
                files_url=files_url,
                download_settings={"timeout": timeout},
                dry_run=dry_run,
                progress=lambda _: bar.update(1),
            )
        except CAPError as error:
            click.secho(error.message, fg="red", err=True)
            sys.exit(1)
    counts = Counter(outcome.status for outcome in outcomes)
    title = "Dry run: nothing written" if dry_run else "Imported"
    click.echo(
        f"{title}\n" + "\n".join(f"  {status:<10}{counts[status]:>6}" for status in STATUSES)
    )
    failed = [outcome for outcome in outcomes if outcome.status == FAILED]
    for outcome in failed:
        click.secho(f"failed  {outcome.depid or '-'}  {outcome.source}", fg="red")
        for reason in outcome.reasons:
            click.secho(
                f"    {field_label(reason['field']) or '(document)'}: {reason['message']}", fg="red"
            )
    if failed:
        sys.exit(1)
