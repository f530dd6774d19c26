"""PostgreSQL restarted while CAP serves: clean 503s while it is down, then service again.

The app is served by a real gunicorn with the production connection pool,
on a PostgreSQL of this module's own (``private_postgres``), which the test
stops and starts with ``scripts/services``.
"""

import threading
import time

import pytest
from sqlalchemy.pool import QueuePool
from support.live import call, gunicorn_serving

from cap import config


@pytest.fixture(scope="module")
def db_uri(private_postgres):
    yield f"postgresql+psycopg2://cap:cap@127.0.0.1:{private_postgres.port}/cap_faults"


@pytest.fixture(scope="module")
def app_config(app_config):
    """Served as in production: a connection pool, connections checked after idling."""
    app_config["SQLALCHEMY_ENGINE_OPTIONS"] = {**config.SQLALCHEMY_ENGINE_OPTIONS,
                                               "poolclass": QueuePool}
    app_config["RATELIMIT_ENABLED"] = False
    return app_config


@pytest.fixture(scope="module")
def draft(cms_draft):
    owner, item = cms_draft("db-fault@cern.ch", "Before the restart")
    return owner, item.pid


@pytest.fixture(scope="module")
def server(app, draft, port):
    with gunicorn_serving(app, port, workers=1, worker_class="gthread", threads=4,
                          timeout=60) as url:
        yield url



@pytest.fixture
def restarted(app, private_postgres):
    """The test process holds no connection across the restart (its fixtures
    reconnect at teardown): the transaction its set-up left open is ended."""
    from invenio_db import db

    db.session.commit()
    yield private_postgres


def test_requests_fail_cleanly_while_the_database_restarts(server, draft, restarted):
    private_postgres = restarted
    owner, pid = draft
    item_url = f"{server}/deposits/{pid}"
    assert call(item_url, owner)[0] == 200

    answers, stop = [], threading.Event()

    def traffic():
        """``(sent, answered, status or the error)``: a request that fails in
        the client is an answer too, so the thread keeps going."""
        while not stop.is_set():
            sent_at = time.monotonic()
            try:
                outcome = call(item_url, owner, timeout=20)[0]
            except Exception as error:  # noqa: BLE001 - reported by the asserts below
                outcome = repr(error)
            answers.append((sent_at, time.monotonic(), outcome))
            time.sleep(0.05)

    sender = threading.Thread(target=traffic)
    sender.start()
    try:
        time.sleep(0.5)
        stopped_at = time.monotonic()
        private_postgres.stop()
        down_at = time.monotonic()
        status, body, headers = call(item_url, owner)
        assert status == 503, body
        assert body["message"].startswith("The database is not available right now")
        assert headers["Retry-After"] == "5"
        # A write while it is down is refused, and leaves nothing behind.
        status, body, _ = call(item_url, owner, "PUT",
                               {"general_title": "Written during the outage"})
        assert status == 503, body
        time.sleep(1)
        private_postgres.start()
        started_at = time.monotonic()
        time.sleep(2)
    finally:
        stop.set()
        sender.join(30)

    # Seconds from the stop command, for the messages: (sent, answered, outcome).
    timeline = [(round(sent - stopped_at, 2), round(answered - stopped_at, 2), outcome)
                for sent, answered, outcome in answers]
    context = (f"down after {down_at - stopped_at:.2f}s, started at "
               f"{started_at - stopped_at:.2f}s: {timeline}")
    assert not sender.is_alive(), context
    assert {outcome for *_, outcome in answers} <= {200, 503}, context
    # Served, then refused while down, then served again: nothing else.
    statuses = [outcome for *_, outcome in answers]
    assert statuses[0] == 200 and 503 in statuses, context
    after = [outcome for sent, _, outcome in answers if sent > started_at]
    # At most the first request after the restart meets a dead pooled connection.
    assert after and set(after[1:]) == {200}, context
    status, body, _ = call(item_url, owner)
    assert status == 200 and body["metadata"]["general_title"] == "Before the restart"
    status, body, _ = call(item_url, owner, "PUT", {"general_title": "After the restart"})
    assert status == 200, body
