"""Dashboard defaults (``CAP_DASHBOARD_*``)."""

CAP_DASHBOARD_SIZE = 5
"""Items in each dashboard list."""

CAP_DASHBOARD_COUNTS_SIZE = 50
"""Most types in the counts per type."""
