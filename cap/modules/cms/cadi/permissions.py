"""Who may use the CMS look-ups: CMS members (``cms-access``), deny by default."""

from ...access.generators import ExperimentMember
from ...access.policies import PermissionPolicy

CMS = {"_experiment": "CMS"}


class CMSLookupPolicy(PermissionPolicy):
    """CMS look-ups (CADI autofill, analysis keywords): the ``cms-access`` action."""

    can_read = [ExperimentMember()]


def require_cms_access(identity):
    """Raise :class:`PermissionDeniedError` unless the identity is a CMS member."""
    CMSLookupPolicy("read", record=CMS).require(identity)
