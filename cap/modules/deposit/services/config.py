"""Wiring of the deposit service: record classes, schemas, policy, indexer,
search options and components, in one class; a variant is a subclass."""

from ...access.components import ACCESS_COMPONENTS
from ...access.policies import DepositPermissionPolicy
from ...notifications.components import NotificationComponent
from ...records.api import PublishedRecord
from ...records.indexer import get_indexer
from ...records.services.config import RecordServiceConfig
from ...reviews.components import ReviewComponent
from ..records.api import Deposit
from .components import FilesComponent, PIDComponent, RecordOnlyFieldsComponent


def schemas_api():
    """The schema registry (imported late: it is a sibling module)."""
    from ...schemas import api

    return api


class DepositServiceConfig(RecordServiceConfig):
    """The drafts service's configuration (the search options as records')."""

    record_cls = Deposit
    """The draft class the service writes."""

    published_cls = PublishedRecord
    """The record class a publish writes."""

    schemas = staticmethod(schemas_api)
    """The schema registry: resolves ``$ana_type``/``$schema``, validates."""

    permission_policy_cls = DepositPermissionPolicy
    """Every right on drafts, and the search filter of the same rules."""

    indexer_factory = staticmethod(get_indexer)
    """Builds the indexer of drafts and records (once per service)."""

    search_alias = "deposits"

    components = (ReviewComponent, *ACCESS_COMPONENTS, FilesComponent, PIDComponent,
                  RecordOnlyFieldsComponent, NotificationComponent)
    """Side concerns, run in this order at each action (see ``ServiceComponent``)."""

    record_only_fields = ("_public", "_public_changed", "_zenodo")
    """Set on a record by its own actions (cap.modules.oaipmh, cap.modules.zenodo),
    kept by each new revision."""
