"""Last success and last failure of each external source, in one Redis hash.

Every client (ORCID, ROR, DAS and trigger loaders, CADI, keywords ...)
calls :func:`record_status` after talking to its source; ``GET
/services/status`` reads them back. Fields are ``<source>:success`` and
``<source>:failure``, each a JSON ``{"at": ISO time, "message": ...}``, so
two writers never overwrite each other's half.
"""

import json
import logging
from datetime import UTC, datetime

import redis
from flask import current_app, has_app_context

logger = logging.getLogger(__name__)

MAX_MESSAGE = 500


class StatusStore:
    """Reads and writes the status hash."""

    def __init__(self, url, key, sources=()):
        """Use the hash ``key`` on the Redis at ``url``."""
        self.url = url
        self.key = key
        self.sources = list(sources)
        self._redis = None

    @classmethod
    def from_config(cls, config):
        """A store from ``CAP_SERVICES_STATUS_*`` settings."""
        return cls(
            url=config["CAP_SERVICES_STATUS_REDIS_URL"] or config["CACHE_REDIS_URL"],
            key=config["CAP_SERVICES_STATUS_KEY"],
            sources=config["CAP_SERVICES_STATUS_SOURCES"],
        )

    @property
    def redis(self):
        """The Redis connection (made on first use)."""
        if self._redis is None:
            self._redis = redis.Redis.from_url(self.url, socket_timeout=2)
        return self._redis

    def record(self, source, ok, message=None, at=None):
        """Remember that ``source`` just worked (``ok``) or failed, with a message.

        Never raises: a Redis hiccup must not turn a good answer into an error.
        """
        at = at or datetime.now(UTC)
        value = json.dumps(
            {"at": at.isoformat(), "message": (str(message) if message else "")[:MAX_MESSAGE]}
        )
        field = f"{source}:{'success' if ok else 'failure'}"
        try:
            self.redis.hset(self.key, field, value)
        except redis.RedisError as error:
            logger.warning("could not record the status of %s: %s", source, error)

    def read(self):
        """``{source: {"status", "last_success", "last_failure"}}``, sorted by source."""
        raw = self.redis.hgetall(self.key)
        states = {source: {"last_success": None, "last_failure": None} for source in self.sources}
        for field, value in raw.items():
            field = field.decode() if isinstance(field, bytes) else field
            source, _, kind = field.rpartition(":")
            if kind not in ("success", "failure") or not source:
                continue
            try:
                entry = json.loads(value)
            except ValueError:
                continue
            states.setdefault(source, {"last_success": None, "last_failure": None})
            states[source][f"last_{kind}"] = entry
        for state in states.values():
            state["status"] = _status(state)
        return dict(sorted(states.items()))

    def clear(self):
        """Forget every state (tests, or an admin starting afresh)."""
        self.redis.delete(self.key)


def _status(state):
    success, failure = state["last_success"], state["last_failure"]
    if success is None and failure is None:
        return "unknown"
    if failure is None:
        return "ok"
    if success is None:
        return "failing"
    return "ok" if success["at"] >= failure["at"] else "failing"


def record_status(source, ok, message=None):
    """Record the outcome of talking to ``source`` (``"cadi"``, ``"orcid"`` ...).

    Call it from any client or job; it never raises. Outside an app (a
    client used on its own) there is no shared status to record into.
    """
    if not has_app_context():
        return
    current_app.extensions["cap-services"].status.record(source, ok, message)
