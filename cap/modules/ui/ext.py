"""The UI extension: bundle URLs for templates, config defaults."""

from flask import url_for

from . import config
from .assets import BundleManifest, bundle_folder


class CAPUI:
    """CAP's web UI on the UI app."""

    def __init__(self, app=None):
        """Initialise when given an app."""
        if app:
            self.init_app(app)

    def init_app(self, app):
        """Copy defaults, expose ``cap_ui_asset`` to templates, register."""
        self.init_config(app)
        self.manifest = BundleManifest(bundle_folder(app))
        app.add_template_global(self.asset_url, "cap_ui_asset")
        app.extensions["cap-ui"] = self

    def init_config(self, app):
        """Defaults for keys nobody set (the config entry point usually has)."""
        for key in dir(config):
            if key.isupper():
                app.config.setdefault(key, getattr(config, key))

    def asset_url(self, name):
        """URL of a built bundle file by its logical name (``cap-ui.js``).

        The bundle's names carry a content hash (from vite's manifest), so a
        rebuilt bundle has new URLs and browsers may cache each one for good.
        """
        return url_for("cap_ui.bundle", filename=self.manifest.file_name(name))
