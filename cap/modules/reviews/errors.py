"""Plain errors of the reviews service (mapped to HTTP by the core map)."""

from ..core.errors import ConflictError


class NotReviewableError(ConflictError):
    """Reviews are not enabled for this deposit type."""


class ApprovalRequiredError(ConflictError):
    """This deposit type needs an approved review of the current version before publishing."""
