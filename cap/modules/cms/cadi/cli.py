"""``cap cms sync-cadi``: CADI analyses into cms-analysis drafts."""

import sys
from datetime import date

import click
from flask.cli import with_appcontext
from tqdm import tqdm

from ...core.errors import UpstreamTimeoutError, UpstreamUnavailableError
from ..cli import cms
from .sync import read_items, sync_from_cadi, sync_from_file


def _since(ctx, param, value):
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter("use an ISO date, e.g. 2024-01-31") from None


def _report(summary, dry_run):
    prefix = "dry run (nothing written): " if dry_run else ""
    click.echo(prefix + summary.line())
    for problem in summary.problems:
        click.echo(f"  {problem['outcome']}: {problem['cadi_id'] or '?'}: {problem['reason']}")
    for warning in summary.warnings:
        click.secho(f"  warning: {warning}", fg="yellow")


@cms.command("sync-cadi")
@click.option("--since", callback=_since, help="Only analyses updated since this ISO date.")
@click.option("--full", is_flag=True, help="Everything, not only changes since the last sync.")
@click.option("--dry-run", is_flag=True, help="Count what would change; write nothing.")
@click.option(
    "--from-file",
    type=click.Path(exists=True, dir_okay=False),
    help="Read analyses from a JSON file shaped like CADI's answer instead of CADI.",
)
@with_appcontext
def sync_cadi(since, full, dry_run, from_file):
    """Create or update cms-analysis drafts from CADI.

    Skips Inactive, SUPERSEDED and Free analyses; updates only the cadi_info
    of an existing draft, and only when it changed; idempotent.
    """
    if from_file:
        total = len(read_items(from_file))
        with tqdm(total=total, unit="analysis", file=sys.stderr) as bar:
            summary = sync_from_file(
                from_file, dry_run=dry_run, progress=lambda *_: bar.update(1)
            )
        _report(summary, dry_run)
        return
    try:
        with tqdm(unit="analysis", file=sys.stderr) as bar:
            summary, used = sync_from_cadi(
                since=since, full=full, dry_run=dry_run, progress=lambda *_: bar.update(1)
            )
    except (UpstreamUnavailableError, UpstreamTimeoutError) as error:
        click.secho(f"CADI sync failed: {error.message}", fg="red", err=True)
        sys.exit(1)
    click.echo(f"since {used}" if used else "full sync")
    _report(summary, dry_run)
