"""``cap export package RECID -o DIR|FILE`` and ``cap import package PATH``."""

import sys

import click
from flask.cli import with_appcontext
from invenio_access.permissions import system_identity

from ..core.errors import CAPError, field_label
from .layout import BAGIT, LAYOUTS
from .proxies import current_package_service


def _fail(error):
    click.secho(error.message, fg="red", err=True)
    for item in error.errors:
        click.secho(f"  {field_label(item['field']) or '(package)'}: {item['message']}",
                    fg="red", err=True)
    sys.exit(1)


@click.group("export")
def export():
    """Export content."""


@export.command("package")
@click.argument("recid")
@click.option("-o", "--output", required=True, type=click.Path(),
              help="A folder to create (the bag), a .zip file, or an existing folder.")
@click.option("--all-revisions", is_flag=True, help="Every revision, not only the latest.")
@click.option("--layout", type=click.Choice(LAYOUTS), default=BAGIT, show_default=True,
              help="archivematica: an Archivematica transfer (metadata/, objects/) in the bag.")
@with_appcontext
def export_package(recid, output, all_revisions, layout):
    """Write the BagIt + RO-Crate package of record RECID."""
    with click.progressbar(length=1, label="Packing", file=sys.stderr) as bar:
        def progress(done, total):
            bar.length = total
            bar.update(done - bar.pos)

        try:
            path = current_package_service.export(
                system_identity, recid, output, all_revisions=all_revisions,
                layout_name=layout, progress=progress,
            )
        except CAPError as error:
            _fail(error)
    click.echo(str(path))


@click.group("import")
def import_():
    """Import content."""


@import_.command("package")
@click.argument("path", type=click.Path(exists=True))
@with_appcontext
def import_package(path):
    """Recreate the record (revisions, files, draft) of the package at PATH."""
    try:
        result = current_package_service.import_package(system_identity, path)
    except CAPError as error:
        _fail(error)
    click.echo(f"Imported {result['recid']} (draft {result['depid']}), revisions "
               + ", ".join(str(n) for n in result["revisions"]))
    for name in result["schemas_registered"]:
        click.echo(f"  schema registered: {name}")
