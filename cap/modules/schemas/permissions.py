"""Schema-level actions (who may do what to a schema: ``service.can``).

Grants are invenio-access action rows whose argument is the schema name
(a grant without argument covers every schema), e.g.
``deposit-schema-admin`` on ``cms-analysis``. They hold for every version.
"""

from invenio_access import action_factory
from invenio_access.permissions import ParameterizedActionNeed

DEPOSIT_SCHEMA_ACTIONS = ("read", "update", "admin", "review", "create")
RECORD_SCHEMA_ACTIONS = ("read", "update", "admin", "review")

SCHEMA_ACTIONS = tuple(f"deposit-schema-{level}" for level in DEPOSIT_SCHEMA_ACTIONS) + tuple(
    f"record-schema-{level}" for level in RECORD_SCHEMA_ACTIONS
)
"""Every schema-level action name."""

# Registered with invenio-access (one entry point each, see setup.py).
deposit_schema_read = action_factory("deposit-schema-read")
deposit_schema_update = action_factory("deposit-schema-update")
deposit_schema_admin = action_factory("deposit-schema-admin")
deposit_schema_review = action_factory("deposit-schema-review")
deposit_schema_create = action_factory("deposit-schema-create")
record_schema_read = action_factory("record-schema-read")
record_schema_update = action_factory("record-schema-update")
record_schema_admin = action_factory("record-schema-admin")
record_schema_review = action_factory("record-schema-review")


def schema_need(action, schema):
    """The need of ``action`` on ``schema`` (any version)."""
    return ParameterizedActionNeed(action, schema.name)

