"""``cap cms sync-keywords``: the CMS analysis keywords spreadsheet into its index."""

import sys

import click
from flask.cli import with_appcontext
from tqdm import tqdm

from ..cms.cli import cms
from ..core.errors import CAPError
from .service import harvest_keywords, load_keywords


@cms.command("sync-keywords")
@click.option("--url", help="CSV export URL (default: CAP_KEYWORDS_CSV_URL).")
@click.option(
    "--from-file",
    type=click.Path(exists=True, dir_okay=False),
    help="Read a CSV export from a file instead of downloading it.",
)
@with_appcontext
def sync_keywords(url, from_file):
    """Download the keywords spreadsheet and replace the keywords index."""
    try:
        with tqdm(total=2, unit="step", file=sys.stderr) as bar:
            if from_file:
                with open(from_file, encoding="utf-8") as stream:
                    text = stream.read()
                bar.update(1)
                load = load_keywords(text)
            else:
                bar.update(1)
                load = harvest_keywords(url)
            bar.update(1)
    except CAPError as error:
        click.secho(f"keywords not loaded: {error.message}", fg="red", err=True)
        sys.exit(1)
    click.echo(f"{load.indexed} keywords indexed")
    for problem in load.problems:
        click.echo(f"  skipped {problem}")
