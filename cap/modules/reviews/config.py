"""Default configuration of the reviews module (``CAP_REVIEWS_*``)."""

CAP_REVIEWS_BODY_MAX_LENGTH = 10000
"""Most characters a review's or comment's text may have (400 beyond)."""
