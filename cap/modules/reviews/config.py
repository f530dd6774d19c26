"""Default configuration of the reviews module (``CAP_REVIEWS_*``)."""

CAP_REVIEWS_BODY_MAX_LENGTH = 10000
"""Most characters a review's or comment's text may have (400 beyond)."""

CAP_REVIEWS_DEMO_REVIEWERS = {"cms-stats-questionnaire": ["cms-stats-committee@cern.ch"]}
"""``cap setup --demo``: e-groups given the schema-level review rights of a type."""
