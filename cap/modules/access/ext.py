"""The access extension: one ``<exp>-access`` action per configured experiment.

``actions.py`` registers the four LHC experiments statically (entry points);
any further experiment in ``CAP_EXPERIMENTS`` (e.g. FASER) gets its action
registered here, so ``cap setup`` can grant it to the experiment's e-groups
and ``cap access`` accepts it.
"""

from invenio_access import action_factory
from invenio_access.proxies import current_access

from . import csrf  # noqa: F401  (adds the CSRF hook, once per process)


def register_experiment_actions(app):
    """Register the access action of every configured experiment not yet known."""
    registered = []
    for conf in app.config.get("CAP_EXPERIMENTS", {}).values():
        name = conf["action"]
        if name not in current_access.actions:
            current_access.register_action(action_factory(name))
            registered.append(name)
    return registered


class CAPAccess:
    """Register experiment actions once invenio-access has loaded its own."""

    def __init__(self, app=None):
        """Initialise when given an app."""
        if app:
            self.init_app(app)

    def init_app(self, app):
        """Register the extension; the actions follow in :func:`finalize_app`.

        Extension order is not fixed, so invenio-access may not be set up
        yet here: the registration waits for the app to be finalised.
        """
        app.extensions["cap-access"] = self


def finalize_app(app):
    """``invenio_base.finalize_app`` hook: register the extra actions."""
    with app.app_context():
        register_experiment_actions(app)


def api_finalize_app(app):
    """``invenio_base.api_finalize_app`` hook: the same on the API app."""
    finalize_app(app)
