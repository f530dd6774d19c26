"""Answers of look-ups kept in the app cache (Flask-Caching on Redis)."""

import hashlib
import logging

from invenio_cache import current_cache

logger = logging.getLogger(__name__)


def cache_key(source, base_url, *parts):
    """A short key naming the source, its base URL and the question."""
    digest = hashlib.sha256("\x1f".join([base_url, *map(str, parts)]).encode()).hexdigest()
    return f"cap:lookup:{source}:{digest[:32]}"


def cached(key, timeout, compute):
    """``compute()`` unless the cache has it; errors are never cached.

    A cache that does not answer is skipped (the look-up still works).
    """
    try:
        value = current_cache.get(key)
    except Exception as error:  # noqa: BLE001 - a cache outage must not fail the look-up
        logger.warning("cache read failed: %s", error)
        value = None
    if value is not None:
        return value
    value = compute()
    try:
        current_cache.set(key, value, timeout=timeout)
    except Exception as error:  # noqa: BLE001
        logger.warning("cache write failed: %s", error)
    return value
