"""Default configuration of the deposit module (``CAP_DEPOSIT_*``)."""

CAP_DEPOSIT_DEFAULT_PAGE_SIZE = 10
"""Search page size when ``size`` is not given."""

CAP_DEPOSIT_MAX_PAGE_SIZE = 100
"""Largest ``size`` a search accepts; larger answers 400."""

CAP_DEPOSIT_MAX_RESULT_WINDOW = 10000
"""``page * size`` may not go beyond this (the search engine's window)."""

CAP_DEPOSIT_FACET_SIZE = 20
"""Buckets per facet in search aggregations."""

CAP_DEPOSIT_UI_PATH = "/drafts/{pid}"
"""Path of a draft in the web UI (``links.html``), under ``SITE_UI_URL``."""

CAP_RECORDS_UI_PATH = "/published/{recid}"
"""Path of a record in the web UI (``links.html``), under ``SITE_UI_URL``."""

CAP_RECORDS_PID_PREFIX = "CAP"
"""First part of default record ids: ``CAP.<EXP>.XXXX.YYYY``."""

CAP_RECORDS_PID_MAX_ATTEMPTS = 20
"""How many random record ids to try before giving up on collisions."""

CAP_DEPOSIT_MAX_PATCH_OPERATIONS = 1000
"""Most operations one JSON patch of a draft may hold (413 beyond)."""
