"""Plain errors of the deposit service (mapped to HTTP by the core map)."""

from ...core.errors import ConflictError, InvalidRequestError


class UnknownDepositTypeError(InvalidRequestError):
    """Unknown deposit type."""


class DraftPublishedError(ConflictError):
    """The draft is published: reopen it with the edit action first."""


class NotPublishedError(ConflictError):
    """The draft has never been published."""


class UploadsInProgressError(ConflictError):
    """Some uploads are not complete yet."""
