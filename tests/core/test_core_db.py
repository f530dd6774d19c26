"""Fewer round trips: pooled connections are pinged before use only after
sitting idle; read-only views run in autocommit."""

import json

import pytest
from invenio_accounts.models import Role
from invenio_db import db as site_db
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool, QueuePool

from cap import config
from cap.modules.core import db as core_db
from cap.modules.core.db import begin_read_only, end_read_only


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


# Read-only views
# ===============

READ_ONLY_ENDPOINTS = {
    "cap_deposits.search", "cap_records.search", "cap_records.read", "cap_records.revisions",
    "cap_search.suggest", "cap_dashboard.dashboard", "cap_dashboard.collection",
    "cap_records.diff", "cap_packages.export_package", "cap_packages.build_status",
    "cap_packages.build_file", "cap_notifications.deposit", "cap_notifications.failed",
    "cap_notifications.rules", "cap_linked_accounts.list",
}


def in_autocommit(connection, statement):
    """Whether a statement went in autocommit (a ``recorded_statements`` detail)."""
    return connection.connection.dbapi_connection.autocommit


def test_read_only_views(app):
    marked = {endpoint for endpoint, view in app.view_functions.items()
              if getattr(view, "cap_read_only", False)}
    assert marked == READ_ONLY_ENDPOINTS


# These tests use the app's own session, not pytest-invenio's ``db`` fixture:
# that one runs every test inside an outer transaction, where a read-only
# request finds a transaction open and leaves it as it is.

@pytest.mark.parametrize("path", ["/deposits/", "/records/", "/dashboard"])
def test_read_only_request_runs_in_autocommit(client, users, schemas, path,
                                              recorded_statements):
    site_db.session.commit()  # nothing left open by the fixtures
    with recorded_statements(in_autocommit) as seen:
        answer = client.get(path, headers=users.owner.headers)
    assert answer.status_code == 200, answer.json
    assert seen and all(seen)  # the token check included
    # Back to transactions once the request is over.
    assert dbapi_autocommit(site_db.session) is False
    site_db.session.rollback()


def test_other_requests_run_in_a_transaction(client, users, schemas, location,
                                            recorded_statements):
    site_db.session.commit()
    with recorded_statements(in_autocommit) as seen:
        assert client.get("/me", headers=users.owner.headers).status_code == 200
        answer = client.post("/deposits/", headers=users.owner.headers,
                             data=json.dumps({"$ana_type": "generic", "title": "Written"}))
    assert answer.status_code == 201, answer.json
    assert seen and not any(seen)


def test_a_write_in_a_read_only_request_is_refused(engine):
    session = Session(bind=engine)
    begin_read_only(session)
    session.add(Role(name="written-while-reading"))
    with pytest.raises(RuntimeError, match="read-only"):
        session.flush()
    end_read_only(session)
    session.rollback()
    assert session.query(Role).filter_by(name="written-while-reading").count() == 0
    session.close()


def dbapi_autocommit(session):
    return session.connection().connection.dbapi_connection.autocommit


def test_switches_when_the_session_takes_its_connection(engine):
    session = Session(bind=engine)
    begin_read_only(session)
    assert dbapi_autocommit(session) is True
    end_read_only(session)
    assert dbapi_autocommit(session) is False
    session.close()


def test_an_open_transaction_is_left_alone(engine):
    session = Session(bind=engine)
    session.execute(text("SELECT 1"))  # a transaction is open on the connection
    begin_read_only(session)
    assert dbapi_autocommit(session) is False
    end_read_only(session)
    session.close()


def test_connection_closed_in_autocommit_goes_back_transactional(engine):
    session = Session(bind=engine)
    begin_read_only(session)
    assert dbapi_autocommit(session) is True
    session.close()  # back to the pool while still in autocommit
    with engine.connect() as connection:
        assert connection.connection.dbapi_connection.autocommit is False
