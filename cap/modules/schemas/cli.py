"""``cap schemas``: load, list, export and validate schemas; check stored documents."""

import json
import sys

import click
from flask.cli import with_appcontext

from ..core.errors import CAPError, field_label
from . import api, documents


def load_and_index(root=None, mappings_root=None, force=False, paths=()):
    """Load the schemas under ``root`` (or in ``paths``), then index every schema.

    ``paths`` are files and folders (see :func:`.api.read_paths`); without
    them the folder ``root`` (default ``CAP_SCHEMAS_DIR``) is loaded. Yields
    ``(schema, status, created_indexes)`` for each loaded schema.
    """
    if paths:
        loaded = api.load_definitions(api.read_paths(paths, mappings_root), force=force)
    else:
        loaded = api.load_from_directory(root, mappings_root, force=force)
    for schema, status in loaded:
        yield schema, status, api.create_indexes(schema)
    # Every other stored schema too (created through the API, or a rebuilt cluster).
    loaded_ids = {schema.id for schema, _ in loaded}
    for schema in api.list_schemas():
        if schema.id not in loaded_ids:
            api.create_indexes(schema)


def load_all(root=None, mappings_root=None, force=False, paths=()):
    """Load and index the schemas, one line per schema; exit 1 naming any problem."""
    try:
        for schema, status, indexes in load_and_index(root, mappings_root, force, paths):
            suffix = f" (+{len(indexes)} indexes)" if indexes else ""
            click.echo(f"  {schema.name} v{schema.version}: {status}{suffix}")
    except CAPError as error:
        _fail(error)


def _fail(error):
    click.secho(error.message, fg="red", err=True)
    for item in error.errors:
        click.secho(f"  {field_label(item['field'])}: {item['message']}", fg="red", err=True)
    sys.exit(1)


@click.group()
def schemas():
    """Deposit and record schemas."""


@schemas.command("load")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--dir", "root", type=click.Path(exists=True, file_okay=False), default=None,
              help="Schemas folder (default CAP_SCHEMAS_DIR).")
@click.option("--mappings-dir", type=click.Path(exists=True, file_okay=False), default=None,
              help="Mappings folder (default CAP_SCHEMAS_MAPPINGS_DIR).")
@click.option("--force", is_flag=True,
              help="Overwrite changed content of an existing version (development only; "
                   "existing indexes keep their mapping).")
@with_appcontext
def load(paths, root, mappings_dir, force):
    """Load schema definitions and create their search indexes.

    PATHS are legacy CAP definition files (one JSON object with name,
    version, deposit_schema, deposit_mapping...) or folders of them, or
    folders in our layout (<name>/v<M.m.p>/config.json); without PATHS the
    --dir folder is loaded. Definitions $ref-ing each other are stored in
    dependency order, all or none.
    """
    load_all(root, mappings_dir, force=force, paths=paths)


@schemas.command("list")
@click.option("--latest", is_flag=True, help="Only the latest version of each schema.")
@with_appcontext
def list_(latest):
    """List schema versions."""
    for schema in api.list_schemas(latest_only=latest):
        click.echo(
            f"{schema.name}\tv{schema.version}\t{schema.experiment or '-'}\t{schema.fullname or ''}"
        )


@schemas.command("export")
@click.argument("name")
@click.option("--version", "version", default=None, help="M.m.p (default: the latest).")
@click.option("-o", "--output", type=click.File("w"), default="-", help="File (default stdout).")
@with_appcontext
def export(name, version, output):
    """Print a schema definition as JSON (what POST /jsonschemas/ takes)."""
    try:
        schema = api.get_schema(name, version)
    except CAPError as error:
        _fail(error)
    json.dump(schema.to_dict(), output, indent=2, sort_keys=True)
    output.write("\n")


@schemas.command("validate")
@click.argument("name", required=False)
@click.argument("document", type=click.File("r"), required=False)
@click.option("--version", "version", default=None, help="M.m.p (default: the latest).")
@click.option("--kind", type=click.Choice(api.KINDS), default="deposit")
@click.option("--lenient", is_flag=True, help="Ignore required fields (draft validation).")
@click.option("--all", "check_all", is_flag=True,
              help="Check every stored draft (lenient) and record (full) instead.")
@click.option("--schema", "schema_name", default=None,
              help="With --all: only the documents of this schema.")
@with_appcontext
def validate(name, document, version, kind, lenient, check_all, schema_name):
    """Validate a JSON document against a schema, or (--all) every stored document
    against its own schema; exit 1 on errors."""
    if check_all:
        if name or document:
            raise click.UsageError("--all checks the stored documents: give no NAME or DOCUMENT.")
        _validate_stored(schema_name)
        return
    if not name or not document:
        raise click.UsageError("Give NAME and DOCUMENT, or --all.")
    try:
        schema = api.get_schema(name, version)
    except CAPError as error:
        _fail(error)
    try:
        metadata = json.load(document)
    except ValueError as error:
        click.secho(f"{document.name} is not JSON: {error}", fg="red", err=True)
        sys.exit(1)
    errors = api.validate(schema, metadata, kind=kind, full=not lenient)
    for item in errors:
        click.echo(f"{field_label(item['field']) or '(top)'}: {item['message']}")
    if errors:
        click.secho(f"{len(errors)} error(s)", fg="red", err=True)
        sys.exit(1)
    click.secho(f"valid against {schema.name} v{schema.version} ({kind})", fg="green")


def _validate_stored(schema_name):
    """The report of ``validate --all``: one line per invalid document, a table per schema."""
    totals = {}
    for check in documents.check_documents(schema_name):
        key = (check.schema, check.kind)
        valid, invalid = totals.get(key, (0, 0))
        totals[key] = (valid + (not check.errors), invalid + bool(check.errors))
        for item in check.errors:
            click.echo(f"{check.kind} {check.pid} ({check.schema}) "
                       f"{field_label(item['field']) or '(top)'}: {item['message']}")
    click.echo(f"{'schema':<36}{'kind':<9}{'valid':>7}{'invalid':>9}")
    for (schema, kind), (valid, invalid) in sorted(totals.items()):
        click.echo(f"{schema:<36}{kind:<9}{valid:>7}{invalid:>9}")
    failed = sum(invalid for _, invalid in totals.values())
    if failed:
        click.secho(f"{failed} invalid document(s)", fg="red", err=True)
        sys.exit(1)
    click.secho(f"{sum(valid for valid, _ in totals.values())} document(s), all valid", fg="green")


@schemas.command("migrate")
@click.argument("name")
@click.option("--from", "from_version", required=True, help="M.m.p the documents have now.")
@click.option("--to", "to_version", required=True, help="M.m.p to move them to.")
@click.option("--dry-run", is_flag=True, help="Show the changes (the only mode so far).")
@with_appcontext
def migrate(name, from_version, to_version, dry_run):
    """Show what moving the stored documents of NAME from one version to another changes.

    Per document: the $schema line that changes and the fields the new version
    refuses. Documents are never rewritten here: give --dry-run.
    """
    if not dry_run:
        raise click.UsageError("Only --dry-run is supported: documents are not rewritten.")
    moved = refused = 0
    try:
        for diff in documents.migration_diff(name, from_version, to_version):
            moved += 1
            refused += bool(diff.errors)
            click.echo(f"{diff.kind} {diff.pid}")
            click.echo(f"-  $schema: {diff.old_url}")
            click.echo(f"+  $schema: {diff.new_url}")
            for item in diff.errors:
                click.echo(f"!  {field_label(item['field']) or '(top)'}: {item['message']}")
    except CAPError as error:
        _fail(error)
    click.echo(f"{moved} document(s) of {name} v{from_version}: {moved - refused} valid "
               f"under v{to_version}, {refused} not")
