"""The ``cap`` command: CAP's admin commands plus Invenio's own.

``cap setup`` is the same command as ``invenio cap setup``; the standard
``invenio`` groups (db, index, users, roles, files) are available under
``cap`` too. ``cap access``, ``cap tokens`` and ``cap index`` are CAP's own
and replace Invenio's groups of the same names; ``cap files`` is
files-rest's group plus ``verify`` (fixity); ``cap migrate`` imports
legacy CAP content.
"""

import click
from flask.cli import FlaskGroup
from flask.helpers import get_debug_flag
from invenio_app.factory import create_app

from .modules.access.cli import access
from .modules.auth.cli import tokens
from .modules.cms.cadi import cli as _cadi_cli  # noqa: F401  (adds cms sync-cadi)
from .modules.cms.cli import cms
from .modules.cms.das import cli as _das_cli  # noqa: F401  (adds cap cms load-datasets)
from .modules.cms.triggers import cli as _triggers_cli  # noqa: F401  (adds load-triggers)
from .modules.files.cli import files
from .modules.instance.cli import setup
from .modules.keywords import cli as _keywords_cli  # noqa: F401  (adds cms sync-keywords)
from .modules.migration.cli import migrate
from .modules.packages.cli import export, import_
from .modules.schemas.cli import schemas
from .modules.search.cli import index


@click.group()
def cap():
    """CERN Analysis Preservation administration."""


cap.add_command(setup)
cap.add_command(access)
cap.add_command(tokens)
cap.add_command(schemas)
cap.add_command(cms)
cap.add_command(index)
cap.add_command(migrate)
cap.add_command(files)
cap.add_command(export)
cap.add_command(import_)


class CAPGroup(FlaskGroup):
    """Invenio's commands (``flask.commands`` entry points) plus CAP's, whose
    names win: FlaskGroup loads the plugin commands on every look-up, over
    any command added before."""

    def get_command(self, ctx, name):
        """CAP's command ``name``, else Flask's and Invenio's."""
        return cap.commands.get(name) or super().get_command(ctx, name)

    def list_commands(self, ctx):
        """Every command name, once."""
        return sorted({*super().list_commands(ctx), *cap.commands})


@click.group(cls=CAPGroup, create_app=lambda: create_app(debug=get_debug_flag()))
def cli():
    """Command Line Interface for CAP and Invenio."""


def main():
    """Entry point of the ``cap`` console script."""
    cli()
