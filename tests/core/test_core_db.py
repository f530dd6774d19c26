"""Pooled connections are pinged before use only after sitting idle."""

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool, QueuePool

from cap import config
from cap.modules.core import db as core_db


@pytest.fixture()
def engine(app, db):
    """An engine on the test database as the site configures it (the tests'
    own engine has no pool), with one connection returned to its pool."""
    engine = create_engine(
        db.engine.url, poolclass=QueuePool, **config.SQLALCHEMY_ENGINE_OPTIONS
    )
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    yield engine
    engine.dispose()


@pytest.fixture()
def pings(monkeypatch):
    """Count the pings the checkout sends."""
    sent = []
    real_ping = core_db.ping

    def counting(dbapi_connection):
        sent.append(dbapi_connection)
        return real_ping(dbapi_connection)

    monkeypatch.setattr(core_db, "ping", counting)
    return sent


def _backend_pid(engine):
    with engine.connect() as connection:
        return connection.execute(text("SELECT pg_backend_pid()")).scalar()


def _terminate(engine, pid):
    killer = create_engine(engine.url, poolclass=NullPool)
    try:
        with killer.connect() as connection:
            assert connection.execute(
                text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}
            ).scalar()
    finally:
        killer.dispose()


def test_pre_ping_on_every_checkout_is_off(app):
    assert config.SQLALCHEMY_ENGINE_OPTIONS["pool_pre_ping"] is False
    assert core_db.ping_after_idle == app.config["CAP_DB_PING_AFTER_IDLE"]


def test_connection_reused_within_the_window_is_not_pinged(engine, pings, monkeypatch):
    monkeypatch.setattr(core_db, "ping_after_idle", 3600.0)
    first = _backend_pid(engine)
    assert _backend_pid(engine) == first  # the same pooled connection
    assert pings == []


def test_idle_connection_is_pinged_before_use(engine, pings, monkeypatch):
    monkeypatch.setattr(core_db, "ping_after_idle", 0.0)
    first = _backend_pid(engine)
    assert _backend_pid(engine) == first
    assert len(pings) == 2  # both checkouts found a connection that had been idle


def test_idle_connection_that_died_is_replaced_before_use(engine, pings, monkeypatch):
    monkeypatch.setattr(core_db, "ping_after_idle", 0.0)
    dead = _backend_pid(engine)
    _terminate(engine, dead)
    # Without the ping this statement would be the one to fail.
    assert _backend_pid(engine) != dead
    assert pings


def test_died_within_the_window_fails_only_the_statement_that_uses_it(engine, monkeypatch):
    monkeypatch.setattr(core_db, "ping_after_idle", 3600.0)
    dead = _backend_pid(engine)
    _terminate(engine, dead)
    with pytest.raises(OperationalError), engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    # The failure dropped the dead connection: the next checkout is a new one.
    assert _backend_pid(engine) != dead
