"""``cap tokens``: personal access tokens."""

import click
from flask.cli import with_appcontext

from ..core.errors import CAPError
from .tokens import create_token, personal_tokens, revoke_token


@click.group()
def tokens():
    """Personal access tokens (full access, as in the legacy service)."""


@tokens.command("create")
@click.option("--email", required=True, help="Owner of the token.")
@click.option("--name", required=True, help="A name to recognise it by.")
@click.option("--scopes", default="", help="Comma-separated OAuth scopes (CAP checks none).")
@with_appcontext
def create(email, name, scopes):
    """Create a token and print it (shown only once)."""
    scopes = [scope for scope in scopes.split(",") if scope]
    try:
        token = create_token(email, name, scopes=scopes)
    except CAPError as error:
        raise click.ClickException(error.message) from error
    click.echo(token.access_token)


@tokens.command("list")
@click.option("--email", help="Only this user's tokens.")
@with_appcontext
def list_(email):
    """List personal tokens (never their secrets)."""
    try:
        rows = personal_tokens(email)
    except CAPError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"{'id':>6}  {'user':<40} name")
    for token, client in rows:
        click.echo(f"{token.id:>6}  {token.user.email:<40} {client.name}")


@tokens.command("revoke")
@click.option("--id", "token_id", type=int, help="Token id (see list).")
@click.option("--email", help="Owner, with --name.")
@click.option("--name", help="Token name, with --email.")
@with_appcontext
def revoke(token_id, email, name):
    """Delete a token; it stops working at once."""
    if token_id is None and not (email and name):
        raise click.UsageError("Give --id, or --email and --name.")
    try:
        count = revoke_token(token_id=token_id, email=email, name=name)
    except CAPError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"revoked {count} token(s)")
