"""Defaults of the services module (copied into the app with ``setdefault``)."""

CAP_ORCID_API_URL = "https://pub.orcid.org/v3.0"
"""ORCID public API: ``/expanded-search/?q=`` and ``/<id>/person``."""

CAP_ORCID_TIMEOUT = 5
"""Seconds a look-up may take in all (every attempt included)."""

CAP_ORCID_RETRIES = 2
"""Extra attempts after a refused connection, a 429 or a 5xx answer."""

CAP_ORCID_BACKOFF = 0.2
"""Seconds before the first retry; doubled at each further one."""

CAP_ORCID_ROWS = 10
"""Most people a name search returns."""

CAP_ORCID_CACHE_TIMEOUT = 24 * 3600
"""Seconds an ORCID answer stays in the cache (Redis)."""

CAP_ROR_API_URL = "https://api.ror.org/v2"
"""ROR API: ``/organizations?query=`` and ``/organizations/<id>``."""

CAP_ROR_TIMEOUT = 5
"""Seconds a look-up may take in all (every attempt included)."""

CAP_ROR_RETRIES = 2
"""Extra attempts after a refused connection, a 429 or a 5xx answer."""

CAP_ROR_BACKOFF = 0.2
"""Seconds before the first retry; doubled at each further one."""

CAP_ROR_ROWS = 10
"""Most organisations a search returns."""

CAP_ROR_CACHE_TIMEOUT = 24 * 3600
"""Seconds a ROR answer stays in the cache (Redis)."""

CAP_SERVICES_STATUS_REDIS_URL = None
"""Redis holding the last success/failure of each source (``None``: ``CACHE_REDIS_URL``)."""

CAP_SERVICES_STATUS_KEY = "cap:services:status"
"""Name of the Redis hash of source states."""

CAP_SERVICES_STATUS_SOURCES = [
    "cadi", "das", "triggers", "keywords", "orcid", "ror", "directory",
]
"""Sources ``/services/status`` always lists, even before their first call."""
