"""``cap index reindex [--type NAME]`` and ``cap index check [--fix]``."""

import click
from flask.cli import with_appcontext
from tqdm import tqdm

from . import indexing


@click.group("index")
def index():
    """Rebuild and check the drafts and records search indexes."""


@index.command("reindex")
@click.option("--type", "name", default=None, help="Only this deposit type (schema name).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@with_appcontext
def reindex(name, quiet):
    """Rebuild into fresh indexes from the database and switch the aliases."""
    schemas = indexing.indexed_schemas(name)
    if name is not None and not schemas:
        raise click.BadParameter(f"no indexed type named {name}", param_hint="--type")
    total = indexing.total_rows(name)
    with tqdm(total=total, unit="doc", disable=quiet, desc="reindex") as bar:
        results = indexing.reindex(name, progress=bar.update)
    for new, count in results:
        click.echo(f"{new}: {count} documents")
    click.echo(f"Reindexed {sum(c for _, c in results)} documents into {len(results)} indexes.")


@index.command("check")
@click.option("--fix", is_flag=True, help="Index missing and stale documents, delete orphans.")
@with_appcontext
def check(fix):
    """Compare the database with the indexes: missing, stale and orphan documents."""
    report = indexing.check(fix=fix)
    for key in ("missing", "stale", "orphan"):
        click.echo(f"{key}: {len(report[key])}")
        for item in report[key][:20]:
            click.echo(f"  {item if isinstance(item, str) else ' '.join(item)}")
    left = report.pop("unrepaired", [])
    problems = sum(len(v) for v in report.values())
    if fix:
        click.echo(f"Repaired {problems - len(left)} documents." if problems
                   else "Nothing to repair.")
        if left:
            click.echo(f"Left for a later run (the engine holds a newer version): {len(left)}")
            raise SystemExit(1)
    elif problems:
        raise SystemExit(1)


@index.command("run")
@with_appcontext
def run():
    """Index what the bulk queue holds (writes queued while the engine was down)."""
    from invenio_indexer.api import RecordIndexer

    count = RecordIndexer().process_bulk_queue()
    click.echo(f"Indexed {count[0] if isinstance(count, tuple) else count} queued documents.")
