"""What the ORCID and ROR look-up clients share: settings, query checks, caching."""

from ..core.errors import InvalidRequestError, field_error
from .cache import cache_key, cached
from .http import JSONClient

MAX_QUERY = 200
"""Longest search text sent upstream (longer ones are refused without asking)."""


class LookupClient:
    """A cached JSON look-up service; ``source`` names it and its settings.

    Settings are ``CAP_<SOURCE>_API_URL``, ``_TIMEOUT``, ``_RETRIES``,
    ``_BACKOFF``, ``_ROWS`` and ``_CACHE_TIMEOUT``.
    """

    source = None

    def __init__(self, base_url, timeout=5, retries=2, backoff=0.2, rows=10, cache_timeout=86400):
        """Remember where to ask and how long to keep answers."""
        self.http = JSONClient(self.source, base_url, timeout, retries, backoff)
        self.rows = rows
        self.cache_timeout = cache_timeout

    @classmethod
    def from_config(cls, config):
        """A client from its ``CAP_<SOURCE>_*`` settings."""
        prefix = f"CAP_{cls.source.upper()}_"
        return cls(
            base_url=config[prefix + "API_URL"],
            timeout=config[prefix + "TIMEOUT"],
            retries=config[prefix + "RETRIES"],
            backoff=config[prefix + "BACKOFF"],
            rows=config[prefix + "ROWS"],
            cache_timeout=config[prefix + "CACHE_TIMEOUT"],
        )

    def cached(self, kind, fetch, *parts):
        """``fetch()``, kept in the cache under this source, ``kind`` and ``parts``."""
        key = cache_key(self.source, self.http.base_url, kind, *parts)
        return cached(key, self.cache_timeout, fetch)

    def cached_search(self, text, field, search):
        """``search(text)`` for a checked search text, cached; ``field`` names it in errors."""
        text = " ".join((text or "").split())
        if len(text) < 2:
            message = "Give at least two characters of a name."
            raise InvalidRequestError(message, [field_error(field, message)])
        if len(text) > MAX_QUERY:
            message = f"Give at most {MAX_QUERY} characters."
            raise InvalidRequestError(message, [field_error(field, message)])
        return self.cached("search", lambda: search(text), text.lower(), self.rows)
