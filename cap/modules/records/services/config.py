"""Wiring of the records service: what it reads, who may, how it searches."""

from ...access.policies import DepositPermissionPolicy, RecordPermissionPolicy
from ..api import PublishedRecord


class RecordServiceConfig:
    """The published records service's configuration; a variant is a subclass."""

    record_cls = PublishedRecord
    """The record class the service reads."""

    permission_policy_cls = RecordPermissionPolicy
    """Who may read a record, and the search filter of the same rules."""

    search_alias = "records"
    """The index alias searches go to (under the instance's prefix)."""

    search_owner_field = "_deposit.owners"
    """The indexed field ``by_me`` filters on."""

    draft_policy_cls = DepositPermissionPolicy
    """Who may read a draft: decides whether a draft hit shows its live files."""
