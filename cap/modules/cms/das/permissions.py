"""Who may use the CMS look-ups: members of CMS (``cms-access``), deny otherwise."""

from ...access.generators import ExperimentMember
from ...access.policies import PermissionPolicy

CMS = {"_experiment": "CMS"}


class CMSLookupPermissionPolicy(PermissionPolicy):
    """Datasets and triggers: CMS members (and superusers)."""

    can_search = [ExperimentMember()]


def require_cms(identity, action="search"):
    """Raise :class:`PermissionDeniedError` unless the identity is a CMS member."""
    CMSLookupPermissionPolicy(action, record=CMS).require(identity)
