"""Database connections: fewer round trips per request.

Idle check
----------
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

Read-only views
---------------
psycopg2 opens a transaction with its own ``BEGIN`` round trip before a
request's first statement, and the request's end sends ``ROLLBACK``: two of
the five database round trips of a search. Views marked :func:`read_only`
run their GET requests' statements in autocommit instead. Under PostgreSQL's
READ COMMITTED (the isolation in use) every statement of a transaction reads
its own snapshot anyway, so a request that only reads sees exactly the same
rows. The switch happens when the session takes its connection (no
database access before the request needs one). The session refuses to
flush during such a request, so a write there fails loudly instead of
committing statement by statement; the connection goes back to
transactions at the request's end.
"""

import contextlib
import time

from flask import current_app, request
from invenio_db import db
from psycopg2.extensions import STATUS_READY
from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session
from sqlalchemy.pool import Pool

READ_ONLY = "cap_read_only"
"""``session.info`` key: set while a read-only view runs."""

_SWITCHED = "cap_read_only_connection"
"""``session.info`` key: the DBAPI connection switched to autocommit."""

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
    if getattr(dbapi_connection, "autocommit", False):  # closed mid-request: back to transactions
        dbapi_connection.autocommit = False


def _on_checkout(dbapi_connection, record, proxy):
    returned_at = record.info.get(_RETURNED_AT)
    if returned_at is None:
        return  # brand-new connection: just connected
    if time.monotonic() - returned_at > ping_after_idle:
        ping(dbapi_connection)


def read_only(view):
    """Mark a view whose GET requests only read: they run in autocommit."""
    view.cap_read_only = True
    return view


def begin_read_only(session):
    """Refuse the session's flushes; its transactions from now on run in autocommit."""
    session.info[READ_ONLY] = True


def end_read_only(session):
    """Back to transactions, flushes allowed (no-op outside :func:`begin_read_only`)."""
    session.info.pop(READ_ONLY, None)
    dbapi_connection = session.info.pop(_SWITCHED, None)
    if dbapi_connection is not None and not dbapi_connection.closed \
            and dbapi_connection.autocommit:
        dbapi_connection.autocommit = False


def _switch_to_autocommit(session, transaction, connection):
    """When a read-only session takes a connection, before its first statement.

    A connection already inside a transaction (a test's outer transaction)
    is left as it is.
    """
    if READ_ONLY not in session.info:
        return
    dbapi_connection = connection.connection.dbapi_connection
    if getattr(dbapi_connection, "status", None) == STATUS_READY:
        dbapi_connection.autocommit = True
        session.info[_SWITCHED] = dbapi_connection


def _refuse_writes(session, flush_context, instances):
    if READ_ONLY in session.info:
        raise RuntimeError("A read-only view tried to write to the database.")


def _begin_request():
    if request.method not in ("GET", "HEAD"):
        return
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "cap_read_only", False):
        begin_read_only(db.session())


def _end_request(exception=None):
    end_read_only(db.session())


def install(app):
    """Ping idle connections of every pool of this process at checkout; run
    read-only views in autocommit."""
    global ping_after_idle
    ping_after_idle = float(app.config["CAP_DB_PING_AFTER_IDLE"])
    if not event.contains(Pool, "checkout", _on_checkout):
        event.listen(Pool, "checkin", _on_checkin)
        event.listen(Pool, "checkout", _on_checkout)
        event.listen(Session, "before_flush", _refuse_writes)
        event.listen(Session, "after_begin", _switch_to_autocommit)
    # First of all before_request functions: the token check is a statement too.
    app.before_request_funcs.setdefault(None, []).insert(0, _begin_request)
    app.teardown_request(_end_request)
