"""Actions registered with invenio-access.

Experiment membership is the action ``<exp>-access`` granted to e-group
roles (see ``CAP_EXPERIMENTS``); ``superuser-access`` comes from
invenio-access itself.
"""

from invenio_access import action_factory
from invenio_access.permissions import superuser_access  # noqa: F401  (re-export)

cms_access = action_factory("cms-access")
atlas_access = action_factory("atlas-access")
lhcb_access = action_factory("lhcb-access")
alice_access = action_factory("alice-access")
