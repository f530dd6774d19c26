"""``cap cms load-triggers FILE``: load HLT paths per dataset and year from JSON."""

import click
from flask.cli import with_appcontext

from ..cli import cms
from . import api


@cms.command("load-triggers")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def load_triggers(file):
    """Rebuild the trigger index from FILE ([{dataset, year, triggers: [...]}])."""
    try:
        summary = api.load_file(file)
    except api.TriggerFileError as error:
        raise click.ClickException(error.message) from None
    click.echo(
        f"{summary.indexed} triggers from {summary.entries} entries indexed into {summary.index}"
    )
    for problem in summary.skipped[:20]:
        click.echo(f"  skipped {problem}")
    if len(summary.skipped) > 20:
        click.echo(f"  ... and {len(summary.skipped) - 20} more problems")
