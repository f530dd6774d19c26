"""``cap access``: grant, remove and list action rights of users and roles.

E-group roles are named ``<group>@cern.ch``; experiment membership is the
action ``<exp>-access`` (see ``CAP_EXPERIMENTS``), schema rights take the
schema name as argument (e.g. ``deposit-schema-create --argument cms-analysis``).
"""

import click
from flask import current_app
from flask.cli import with_appcontext
from invenio_access import action_factory
from invenio_access.models import ActionRoles, ActionUsers
from invenio_access.proxies import current_access
from invenio_accounts.models import Role, User
from invenio_db import db

from .ext import register_experiment_actions


def _action(name, force):
    register_experiment_actions(current_app)
    need = current_access.actions.get(name)
    if need is None:
        if not force:
            known = ", ".join(sorted(current_access.actions))
            raise click.BadParameter(
                f"unknown action {name!r} (known: {known}); --force to use it anyway",
                param_hint="ACTION",
            )
        need = action_factory(name)
    return need


def _subject(email, role):
    if bool(email) == bool(role):
        raise click.UsageError("Give exactly one of --email and --role.")
    if email:
        user = User.query.filter(db.func.lower(User.email) == email.lower()).one_or_none()
        if user is None:
            raise click.BadParameter(f"no user with email {email}", param_hint="--email")
        return ActionUsers, {"user_id": user.id}, {"user": user}, email
    found = Role.query.filter_by(name=role).one_or_none()
    if found is None:
        raise click.BadParameter(f"no role named {role}", param_hint="--role")
    return ActionRoles, {"role_id": found.id}, {"role": found}, role


def _rows(model, action, argument, key, exclude):
    return model.query.filter_by(
        action=action, argument=argument, exclude=exclude, **key
    ).all()


subject_options = [
    click.argument("action"),
    click.option("--argument", default=None, help="Action argument, e.g. a schema name."),
    click.option("--email", default=None, help="A user."),
    click.option("--role", default=None, help="A role, e.g. cms-members@cern.ch."),
    click.option("--force", is_flag=True, help="Accept an action nobody registered."),
]


def with_subject_options(f):
    """Decorate with the ACTION argument and the subject options."""
    for option in reversed(subject_options):
        f = option(f)
    return f


@click.group()
def access():
    """Rights of users and roles (e-groups)."""


@access.command("allow")
@with_subject_options
@with_appcontext
def allow(action, argument, email, role, force):
    """Grant ACTION to a user or a role (drops a matching exclusion)."""
    need = _action(action, force)
    model, key, subject, label = _subject(email, role)
    for row in _rows(model, action, argument, key, exclude=True):
        db.session.delete(row)
    if _rows(model, action, argument, key, exclude=False):
        click.echo(f"{label} already has {action}{_arg(argument)}")
    else:
        db.session.add(model.allow(need, argument=argument, **subject))
        click.echo(f"allowed {action}{_arg(argument)} to {label}")
    db.session.commit()


@access.command("deny")
@with_subject_options
@click.option(
    "--exclude",
    is_flag=True,
    help="Add an explicit exclusion (wins over grants through roles).",
)
@with_appcontext
def deny(action, argument, email, role, force, exclude):
    """Remove the grant of ACTION from a user or role, or --exclude them."""
    need = _action(action, force)
    model, key, subject, label = _subject(email, role)
    removed = _rows(model, action, argument, key, exclude=False)
    for row in removed:
        db.session.delete(row)
    if exclude:
        if not _rows(model, action, argument, key, exclude=True):
            db.session.add(model.deny(need, argument=argument, **subject))
        click.echo(f"excluded {label} from {action}{_arg(argument)}")
    elif removed:
        click.echo(f"removed {action}{_arg(argument)} from {label}")
    else:
        click.echo(f"{label} had no grant of {action}{_arg(argument)}")
    db.session.commit()


def _arg(argument):
    return f" ({argument})" if argument else ""


@access.command("list")
@click.option("--action", default=None, help="Only this action.")
@with_appcontext
def list_(action):
    """List every grant and exclusion as a table."""
    rows = []
    for model, kind in ((ActionUsers, "user"), (ActionRoles, "role")):
        query = model.query
        if action:
            query = query.filter_by(action=action)
        for row in query:
            who = row.user.email if kind == "user" else row.role.name
            rows.append(
                (row.action, row.argument or "", kind, who, "deny" if row.exclude else "allow")
            )
    rows.sort()
    header = ("action", "argument", "type", "who", "rule")
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    for line in [header] + rows:
        click.echo("  ".join(str(v).ljust(w) for v, w in zip(line, widths, strict=False)).rstrip())
