"""``cap cms load-datasets``: load the DAS dataset list (file, URL or command)."""

import click
from flask import current_app
from flask.cli import with_appcontext
from tqdm import tqdm

from ..cli import cms
from . import api, sources


def load_source(file=None, url=None, command=None, replace=False, quiet=False):
    """Load one source with a progress bar; returns ``(summary, label)``."""
    lines, label = sources.choose(current_app.config, file=file, url=url, command=command)
    with tqdm(desc="datasets", unit=" names", disable=quiet, unit_scale=True) as bar:
        summary = api.load(lines, replace=replace, progress=bar.update)
    return summary, label


@cms.command("load-datasets")
@click.option("--file", "file_", type=click.Path(dir_okay=False), help="A list, one name a line.")
@click.option("--url", help="A URL serving the list.")
@click.option(
    "--command",
    "command",
    is_flag=True,
    help="Run CAP_DAS_COMMAND (dasgoclient) and read what it prints.",
)
@click.option("--replace", is_flag=True, help="Rebuild into a fresh index and switch to it.")
@with_appcontext
def load_datasets(file_, url, command, replace):
    """Index the DAS dataset list (default: CAP_DAS_SOURCE_FILE/URL, else the command)."""
    if sum(bool(x) for x in (file_, url, command)) > 1:
        raise click.UsageError("Give one of --file, --url or --command.")
    try:
        summary, label = load_source(file=file_, url=url, command=command, replace=replace)
    except sources.SourceError as error:
        raise click.ClickException(error.message) from None
    click.echo(
        f"{label}: {summary.indexed} datasets indexed into {summary.index} "
        f"({summary.data} data, {summary.mc} Monte Carlo); "
        f"{summary.malformed} malformed lines skipped"
    )
    for example in summary.examples:
        click.echo(f"  skipped: {example}")
    if summary.replaced:
        click.echo(f"replaced: {', '.join(summary.replaced)}")
