"""The UI extension: bundle URLs for templates, config defaults."""

import os

from flask import url_for

from . import config


class CAPUI:
    """CAP's web UI on the UI app."""

    def __init__(self, app=None):
        """Initialise when given an app."""
        if app:
            self.init_app(app)

    def init_app(self, app):
        """Copy defaults, expose ``cap_ui_asset`` to templates, register."""
        self.init_config(app)
        self.static_folder = os.path.join(os.path.dirname(__file__), "static")
        app.add_template_global(self.asset_url, "cap_ui_asset")
        app.extensions["cap-ui"] = self

    def init_config(self, app):
        """Defaults for keys nobody set (the config entry point usually has)."""
        for key in dir(config):
            if key.isupper():
                app.config.setdefault(key, getattr(config, key))

    def asset_url(self, name):
        """URL of a built bundle file, versioned by its modification time.

        The bundle has fixed file names, so the ``v`` parameter is what makes
        browsers fetch a rebuilt one.
        """
        from flask import current_app

        path = os.path.join(current_app.config["CAP_UI_BUNDLE_DIR"], name)
        try:
            version = int(os.stat(os.path.join(self.static_folder, path)).st_mtime)
        except OSError:
            version = 0
        return url_for("cap_ui.static", filename=path, v=version)
