"""Defaults of the CADI module (``CAP_CADI_*``, copied with ``setdefault``)."""

from pathlib import Path

CAP_CADI_TOKEN_URL = "https://auth.cern.ch/auth/realms/cern/api-access/token"
"""CERN auth service (Keycloak): OAuth2 client-credentials token endpoint."""

CAP_CADI_CLIENT_ID = None
"""OAuth2 client id of CAP at the CERN auth service (``None``: no token is asked)."""

CAP_CADI_CLIENT_SECRET = None
"""OAuth2 client secret matching ``CAP_CADI_CLIENT_ID``."""

CAP_CADI_AUDIENCE = "cms-cadi"
"""Audience of the token (the CADI API's client id)."""

CAP_CADI_API_URL = "https://cms-cadi.web.cern.ch/api"
"""Base URL of the CADI API."""

CAP_CADI_LIST_PATH = "/analyses"
"""Paged list of analyses under the API URL (``?page=&size=&updated_since=``)."""

CAP_CADI_DETAIL_PATH = "/analyses/{id}"
"""One analysis under the API URL; ``{id}`` is the CADI code, e.g. ``EXO-19-001``."""

CAP_CADI_PAGE_SIZE = 100
"""Analyses asked per page of the list."""

CAP_CADI_MAX_PAGES = 1000
"""Safety stop of the list walk (an upstream that never stops paging)."""

CAP_CADI_TIMEOUT = 10
"""Seconds: each HTTP call, and the whole answer of ``GET /cms/cadi/<id>``."""

CAP_CADI_RETRIES = 3
"""Extra attempts of a sync call after a connection error, a timeout or a 5xx/429."""

CAP_CADI_BACKOFF = 0.5
"""First wait between attempts, in seconds; doubles each time."""

CAP_CADI_SKIP_STATUSES = ("Inactive", "SUPERSEDED", "Free")
"""CADI statuses that are never synced (compared case-insensitively)."""

CAP_CADI_DEPOSIT_TYPE = "cms-analysis"
"""Deposit type (schema name) of drafts created from CADI."""

CAP_CADI_CONVENERS_EGROUP = "cms-conveners@cern.ch"
"""E-group granted every draft created from CADI."""

CAP_CADI_GRANT_ACTION = "deposit-admin"
"""Level granted to the contact and the conveners (admin implies update and read)."""

CAP_CADI_DEMO_FILE = str(Path(__file__).parent / "data" / "cadi_analyses.json")
"""Sample CADI answer loaded by ``cap setup --demo`` (``cap cms sync-cadi --from-file``)."""

CAP_CADI_TASK_MAX_RETRIES = 5
"""Retries of the daily sync task when CADI is down."""

CAP_CADI_TASK_RETRY_BACKOFF = 600
"""First wait (seconds) before the task retries; doubles each retry."""
