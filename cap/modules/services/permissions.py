"""Who may use the look-ups: any logged-in user (deny by default otherwise)."""

from ..access.generators import AuthenticatedUser
from ..access.policies import PermissionPolicy


class LookupPermissionPolicy(PermissionPolicy):
    """ORCID, ROR and the status of sources: logged-in users."""

    can_search = [AuthenticatedUser()]
    can_read = [AuthenticatedUser()]
    can_status = [AuthenticatedUser()]
