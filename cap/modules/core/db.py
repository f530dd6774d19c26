"""Database connections: checked before use only when they sat idle.

SQLAlchemy's ``pool_pre_ping`` sends ``SELECT 1`` on every checkout, a
round trip per request even when the connection served the previous request
a millisecond ago. Here a connection is pinged at checkout only when it has
been idle in the pool longer than ``CAP_DB_PING_AFTER_IDLE`` seconds (the
same rule as HikariCP's ``aliveBypassWindowMs``): a database restart or a
dropped idle connection is still caught before a request uses it, and under
load connections are reused without the extra round trip. A connection that
fails its ping is replaced by a fresh one (SQLAlchemy retries the checkout on
``DisconnectionError``); one that dies within the window fails the statement
that uses it, as it could also right after a ping, and SQLAlchemy then drops
the pool's connections.
"""

import contextlib
import time

from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import Pool

_RETURNED_AT = "cap_returned_at"

ping_after_idle = 1.0
"""Seconds; set from ``CAP_DB_PING_AFTER_IDLE`` (one value per process)."""


def ping(dbapi_connection):
    """Raise :class:`DisconnectionError` unless the connection answers."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("SELECT 1")
    except Exception as error:
        raise DisconnectionError(f"connection failed its ping: {error}") from error
    finally:
        with contextlib.suppress(Exception):  # a failed connection is discarded anyway
            cursor.close()


def _on_checkin(dbapi_connection, record):
    record.info[_RETURNED_AT] = time.monotonic()


def _on_checkout(dbapi_connection, record, proxy):
    returned_at = record.info.get(_RETURNED_AT)
    if returned_at is None:
        return  # brand-new connection: just connected
    if time.monotonic() - returned_at > ping_after_idle:
        ping(dbapi_connection)


def install(app):
    """Ping idle connections of every pool of this process at checkout."""
    global ping_after_idle
    ping_after_idle = float(app.config["CAP_DB_PING_AFTER_IDLE"])
    if not event.contains(Pool, "checkout", _on_checkout):
        event.listen(Pool, "checkin", _on_checkin)
        event.listen(Pool, "checkout", _on_checkout)
