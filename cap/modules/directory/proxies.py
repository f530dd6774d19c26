"""Proxy to the directory client of the current app."""

from flask import current_app
from werkzeug.local import LocalProxy

current_directory = LocalProxy(lambda: current_app.extensions["cap-directory"].client)
"""The :class:`~cap.modules.directory.client.DirectoryClient` of the app."""


def lookup_user(email):
    """``{email, display_name, department}`` or ``None`` (see the client)."""
    return current_directory.lookup_user(email)


def lookup_egroup(name):
    """``{name, email, description}`` or ``None`` (see the client)."""
    return current_directory.lookup_egroup(name)
