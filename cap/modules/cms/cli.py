"""The ``cap cms`` command group.

Each CMS sub-module adds its commands here at import time of its own
``cli`` module, e.g. ``cms.add_command(sync_cadi)`` in
``cap/modules/cms/cadi/cli.py``; ``cap/cli.py`` imports those modules so
the commands are registered before the group is used.
"""

import click


@click.group()
def cms():
    """CMS integrations (CADI, DAS datasets, triggers, keywords)."""
