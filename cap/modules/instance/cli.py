"""``cap setup``: everything a new instance needs, safe to re-run."""

import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from invenio_db import db
from sqlalchemy.exc import OperationalError
from sqlalchemy_utils.functions import create_database, database_exists

from ..cms.cadi.demo import load_demo_cadi
from ..cms.das.demo import load_demo_cms_lookups
from ..core.errors import CAPError
from ..core.health import COMPONENTS, check_component
from ..deposit.demo import load_demo_deposits
from ..oaipmh.demo import load_demo_public_record
from ..repositories.demo import load_demo_snapshot
from ..reviews.demo import load_demo_reviewers
from ..schemas.cli import load_all as load_schemas
from ..workflows.demo import load_demo_workflow
from . import fixtures


def preflight(components=COMPONENTS):
    """Stop with a message naming every unreachable component."""
    failures = []
    for name in components:
        is_up, detail = check_component(name)
        if not is_up:
            failures.append(f"{name} is unreachable: {detail}")
    if failures:
        for failure in failures:
            click.secho(failure, fg="red", err=True)
        click.secho(
            "Check the settings (invenio.cfg / INVENIO_* variables) and "
            "that ./scripts/services start succeeded.",
            err=True,
        )
        sys.exit(1)


def ensure_database():
    """Create the configured database when the server has none of that name (another
    instance on the same PostgreSQL gets a database of its own); an unreachable
    server is left to :func:`preflight` to report."""
    url = db.engine.url
    if database_exists(url):  # False too when the server does not answer
        return
    try:
        create_database(url)
    except OperationalError:
        return
    click.echo(f"database {url.database} created")


@click.command("setup")
@click.option("--demo", is_flag=True, help="Also create demo users and content.")
@with_appcontext
def setup(demo):
    """Create the database (when missing), tables, indexes, the files location, roles
    and fixtures."""
    ensure_database()
    preflight()
    click.echo("database tables ...")
    db.create_all()
    click.echo("search indexes ...")
    fixtures.create_indexes()
    click.echo("schemas and their indexes ...")
    load_schemas()
    click.echo("files location ...")
    location = fixtures.load_location()
    click.echo(f"  {location.name}: {location.uri}")
    click.echo("roles and experiment access ...")
    fixtures.load_roles()
    if demo:
        click.echo("demo users ...")
        about = {spec["email"]: spec.get("about") for spec in current_app.config["CAP_DEMO_USERS"]}
        for email, token in fixtures.load_demo_users():
            click.echo(f"  {email} ({about[email]})  token: {token}" if about.get(email)
                       else f"  {email}  token: {token}")
        click.echo("demo CMS datasets and triggers ...")
        load_demo_cms_lookups()
        click.echo("demo drafts and records ...")
        for email, kind, pid, recid in load_demo_deposits():
            click.echo(f"  {email}: {kind} draft {pid}" + (f", record {recid}" if recid else ""))
        click.echo("demo record open to the world (OAI-PMH, public page) ...")
        public = load_demo_public_record()
        click.echo(f"  record {public} open to the world (by its owner)" if public
                   else "  none (no published demo record of its type)")
        click.echo("demo reviewers ...")
        for egroup, kind in load_demo_reviewers():
            click.echo(f"  {egroup} reviews {kind}")
        # After the drafts: the example cms-analysis draft's CADI id is adopted.
        click.echo("demo CADI analyses and analysis keywords ...")
        click.echo("  " + load_demo_cadi())
        click.echo("demo draft with a REANA workflow ...")
        click.echo(f"  draft {load_demo_workflow()}")
        click.echo("demo draft with a repository snapshot ...")
        try:
            snapshot = load_demo_snapshot()
        except CAPError as error:  # the git host refused or is down: the rest stands
            click.secho(f"  not attached: {error.message}", fg="yellow")
        else:
            url = current_app.config["CAP_REPOSITORIES_DEMO_URL"]
            click.echo(f"  draft {snapshot[0]}: {url} ({snapshot[1]})" if snapshot
                       else "  none (CAP_REPOSITORIES_DEMO_URL names no repository)")
    click.secho("setup complete", fg="green")
