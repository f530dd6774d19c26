"""Permission policies: one table per record type, deny by default.

``can_<action>`` lists the generators that grant the action. An action with
no list, or an empty one, is granted to superusers only (invenio-access lets
``superuser-access`` through every permission) and to the system identity
(``system_process``: background jobs such as the CADI sync). The same table yields the
search filter, so search shows exactly what item checks allow.
"""

from flask import current_app
from invenio_access import Permission
from invenio_access.permissions import superuser_access, system_process
from invenio_search.engine import dsl

from ..core.errors import PermissionDeniedError
from .cache import prefetch
from .generators import (
    GRANTS_KEY,
    MATCH_NOTHING,
    AccessGrant,
    AuthenticatedUser,
    ExperimentMember,
    PublicRecord,
    SchemaAdministrator,
    SchemaGrant,
    is_superuser,
)


class PermissionPolicy:
    """Base policy: every action denied except to superusers."""

    def __init__(self, action, record=None, schema=None):
        """Bind the policy to an action and, for item checks, a record or schema."""
        self.action = action
        self.record = record
        self.schema = schema

    @property
    def generators(self):
        """The generators of this action (none when the action is not listed)."""
        return getattr(self, f"can_{self.action}", [])

    @property
    def needs(self):
        """Every need that grants the action on the bound record."""
        return {
            need
            for generator in self.generators
            for need in generator.needs(record=self.record, schema=self.schema)
        }

    def allows(self, identity):
        """Whether the identity may perform the action."""
        if system_process in identity.provides:
            return True
        return Permission(*self.needs).allows(identity)

    def require(self, identity):
        """Raise :class:`PermissionDeniedError` unless allowed."""
        if not self.allows(identity):
            raise PermissionDeniedError()

    def query_filter(self, identity):
        """Search filter of the records the identity may perform the action on."""
        if system_process in identity.provides:
            return dsl.Q("match_all")
        self._prefetch_grants()
        if is_superuser(identity):
            return dsl.Q("match_all")
        filters = [generator.query_filter(identity) for generator in self.generators]
        filters = [f for f in filters if f != MATCH_NOTHING]
        if not filters:
            return MATCH_NOTHING
        return dsl.Q("bool", should=filters, minimum_should_match=1)

    def _prefetch_grants(self):
        """The cached grants the filter reads (superusers, schema-level
        grants, experiment membership), in one round trip to the store."""
        keys = [superuser_access.value, GRANTS_KEY]
        if any(isinstance(generator, ExperimentMember) for generator in self.generators):
            keys += [conf["action"] for conf in current_app.config["CAP_EXPERIMENTS"].values()]
        prefetch(keys)


class DepositPermissionPolicy(PermissionPolicy):
    """Drafts: owners and those they shared with, and schema-level grants."""

    can_create = [ExperimentMember(), SchemaGrant("deposit", "create")]
    can_read = [AccessGrant("deposit", "read"), SchemaGrant("deposit", "read")]
    can_update = [AccessGrant("deposit", "update"), SchemaGrant("deposit", "update")]
    can_admin = [AccessGrant("deposit", "admin"), SchemaGrant("deposit", "admin")]
    can_review = [AccessGrant("deposit", "review"), SchemaGrant("deposit", "review")]


class RecordPermissionPolicy(PermissionPolicy):
    """Published records: the whole collaboration reads them."""

    can_read = [
        AccessGrant("record", "read"),
        SchemaGrant("record", "read"),
        ExperimentMember(),
    ]
    can_update = [AccessGrant("record", "update"), SchemaGrant("record", "update")]
    can_admin = [AccessGrant("record", "admin"), SchemaGrant("record", "admin")]
    can_review = [AccessGrant("record", "review"), SchemaGrant("record", "review")]
    can_zenodo = [AccessGrant("record", "admin"), SchemaGrant("record", "admin")]
    """Publish to Zenodo: the record's admins (owner and those granted admin)."""
    can_zenodo_lookup = [AuthenticatedUser()]
    can_harvest = [PublicRecord()]
    can_open = [AccessGrant("record", "admin"), SchemaGrant("record", "admin")]
    """What the world sees (OAI-PMH, citation metadata of public pages)."""


class WorkflowPermissionPolicy(PermissionPolicy):
    """REANA workflows of a draft (bound to the draft): its readers see them,
    its updaters create, run, stop, delete and rerun them."""

    can_read = DepositPermissionPolicy.can_read
    can_run = DepositPermissionPolicy.can_update


class MigrationPermissionPolicy(PermissionPolicy):
    """Imports of content from other systems (``cap migrate``): superusers and the system."""

    can_import = []


class NotificationPermissionPolicy(PermissionPolicy):
    """The notifications of every deposit (failed sends): superusers and the system.

    A deposit's own trail follows the deposit's ``read``.
    """

    can_manage = []


class SchemaPermissionPolicy(PermissionPolicy):
    """Deposit types (the content builder). Bound to a schema name, or to none.

    A brand-new type is for superusers only (the empty ``can_create``).
    """

    can_design = [SchemaAdministrator()]
    """The builder at ``/admin/types``: administrators of any type (bound: of that type)."""
    can_create_version = [SchemaAdministrator()]
    """A new version of an existing type: its administrators (bind the name)."""


def create_policy(schema, policy_cls=DepositPermissionPolicy):
    """The policy deciding who may start a deposit of ``schema`` (a Schema row).

    The would-be deposit's experiment is given as its record: without it an
    experiment-bound schema would look experiment-free.
    """
    record = {"_experiment": schema.experiment} if schema.experiment else {}
    return policy_cls("create", record=record, schema=schema.name)


class LinkedAccountPermissionPolicy(PermissionPolicy):
    """A user's own linked accounts (the service only ever shows the caller's)."""

    can_manage = [AuthenticatedUser()]
