"""OpenSearch down while CAP serves creates, edits and publishes.

Writes succeed (the database is the truth; a failed indexing queues the
document on RabbitMQ, ``cap.modules.core.uow.RecordCommitOp``), searches
answer a clean 503, and once the engine is back the beat task that drains
the bulk queue (``invenio_indexer.tasks.process_bulk_queue``, every 30 s)
indexes every document written during the outage, at its latest revision:
none missing.

The engine is an OpenSearch of this module's own (``private_opensearch``),
stopped and started with ``scripts/services``; the app is served by a real
gunicorn.
"""


import pytest
from support.live import call, gunicorn_serving
from support.services import PrivateService

TITLES = [f"Written while search was down {n}" for n in range(6)]


@pytest.fixture(scope="module")
def private_opensearch():
    """An OpenSearch of this module's own, which its test stops and starts."""
    service = PrivateService("opensearch")
    service.start()
    yield service
    service.remove()


@pytest.fixture(scope="module")
def app_config(app_config, private_opensearch):
    """The app searches the private engine; no rate limit on the test's burst."""
    app_config["SEARCH_HOSTS"] = [{"host": "127.0.0.1", "port": private_opensearch.port}]
    app_config["RATELIMIT_ENABLED"] = False
    return app_config


@pytest.fixture(scope="module")
def owner(cms_draft):
    owner, _ = cms_draft("search-fault@cern.ch", "Before the outage")
    return owner


def drain_bulk_queue():
    """Run the beat task that drains the bulk queue, here; it must succeed."""
    from invenio_indexer.tasks import process_bulk_queue

    drained = process_bulk_queue.apply()
    assert drained.successful(), drained.traceback


@pytest.fixture(scope="module")
def server(app, owner, port):
    # As in a whole run, this process holds a pooled broker connection when
    # gunicorn forks (the drain after the outage must still be able to use it).
    drain_bulk_queue()
    with gunicorn_serving(app, port, workers=1, worker_class="gthread", threads=4,
                          timeout=60) as url:
        yield url


def publishable(title):
    """A generic draft complete enough to publish."""
    return {"general_title": title, "title": title, "description": "Fault test.",
            "people": [{"name": "A. Physicist", "email": "search-fault@cern.ch"}]}


def indexed(app, alias):
    """``{id: (version, title)}`` of every document of ``alias`` in the engine."""
    from invenio_search import current_search_client
    from invenio_search.utils import build_alias_name

    current_search_client.indices.refresh(index=build_alias_name(alias))
    answer = current_search_client.search(
        index=build_alias_name(alias), version=True,
        body={"size": 1000, "_source": ["general_title", "control_number"]})
    return {hit["_id"]: (hit["_version"], hit["_source"].get("general_title"))
            for hit in answer["hits"]["hits"]}


def revisions(app, pids):
    """``{record uuid: revision}`` from the database of the given deposit pids."""
    from invenio_pidstore.models import PersistentIdentifier

    from cap.modules.deposit.records.api import Deposit

    drafts = (Deposit.get_record(PersistentIdentifier.get("depid", pid).object_uuid)
              for pid in pids)
    return {str(draft.id): draft.revision_id for draft in drafts}


def test_writes_succeed_while_search_is_down_and_the_index_catches_up(
        app, server, owner, private_opensearch):
    from invenio_db import db

    db.session.commit()  # no transaction of the test's spans the outage
    deposits = f"{server}/deposits/"
    status, before, _ = call(deposits, owner)
    assert status == 200 and before["hits"]["total"] == 1

    private_opensearch.stop()
    try:
        # A search cannot be answered: a clean 503 naming the engine.
        status, body, headers = call(deposits, owner)
        assert status == 503, body
        assert body["message"].startswith("The search engine is not available right now")
        assert headers["Retry-After"]

        pids = []
        for title in TITLES:
            status, body, _ = call(deposits, owner, "POST",
                                   {"$ana_type": "generic", **publishable(title)})
            assert status == 201, body
            pids.append(body["id"])
        # Edited, then published (half of them): the index must end at the
        # latest revision of each draft, and hold the new records.
        for pid in pids:
            status, body, _ = call(f"{deposits}{pid}", owner, "PUT",
                                   publishable(f"{pid} edited"))
            assert status == 200, body
        recids = []
        for pid in pids[:3]:
            status, body, _ = call(f"{deposits}{pid}/actions/publish", owner, "POST")
            assert status == 202, body
            recids.append(body["recid"])
        # Reads of single documents come from the database: still served.
        for pid in pids:
            status, body, _ = call(f"{deposits}{pid}", owner)
            assert status == 200 and body["metadata"]["general_title"] == f"{pid} edited"
        for recid in recids:
            status, body, _ = call(f"{server}/records/{recid}", owner)
            assert status == 200, body
    finally:
        private_opensearch.start()

    # Back: nothing of the outage is in the index yet...
    drafts = indexed(app, "deposits")
    assert not set(revisions(app, pids)) & set(drafts)
    # ...until the beat task drains the bulk queue, as it does every 30 s.
    from invenio_indexer.tasks import process_bulk_queue

    assert app.config["CELERY_BEAT_SCHEDULE"]["indexer"]["task"] == process_bulk_queue.name
    drain_bulk_queue()

    expected = revisions(app, pids)
    drafts = indexed(app, "deposits")
    for uuid, revision in expected.items():
        assert uuid in drafts, f"draft {uuid} missing from the index"
        version, title = drafts[uuid]
        assert version == revision and title.endswith(" edited"), (uuid, drafts[uuid])
    records = indexed(app, "records")
    assert len(records) == len(recids)
    # And the caller's searches find them all again.
    status, body, _ = call(deposits, owner)
    assert status == 200 and body["hits"]["total"] == 1 + len(pids), body
    status, body, _ = call(f"{server}/records/", owner)
    assert status == 200
    assert {hit["id"] for hit in body["hits"]["hits"]} == set(recids)


def test_service_writes_during_the_outage_are_checked_and_caught_up(
        app, env, complete, refresh, private_opensearch):
    """The same outage seen by the admin's tools: ``cap index check`` names
    what the engine misses or holds stale, ``cap index run`` catches up."""
    from invenio_search import current_search_client
    from invenio_search.utils import build_alias_name

    from cap.modules.search import indexing
    from cap.modules.search.cli import index as index_cli

    owner = env.users.owner
    existing = env.service.create(owner.identity, {"$ana_type": "generic", "title": "before"})
    refresh()
    private_opensearch.stop()
    try:
        created = env.service.create(owner.identity,
                                     {"$ana_type": "generic", "title": "created while down"})
        env.service.update(owner.identity, existing.pid, {"title": "updated while down"})
        to_publish = env.service.create(owner.identity, {"$ana_type": "generic", **complete})
        published = env.service.publish(owner.identity, to_publish.pid)
    finally:
        private_opensearch.start()
    refresh()
    ours = {str(item.id) for item in (existing, created, to_publish)}

    def unindexed(report):
        return {kind: ours & set(report[kind]) for kind in ("missing", "stale")}

    # The engine still shows the old state; the database has everything.
    assert unindexed(indexing.check()) == {"missing": {str(created.id), str(to_publish.id)},
                                           "stale": {str(existing.id)}}
    result = app.test_cli_runner().invoke(index_cli, ["run"])  # process_bulk_queue
    assert result.exit_code == 0, result.output
    refresh()
    assert unindexed(indexing.check()) == {"missing": set(), "stale": set()}
    answer = current_search_client.search(
        index=build_alias_name("deposits"), body={"query": {"match": {"title": "down"}}})
    assert {hit["_id"] for hit in answer["hits"]["hits"]} == {str(created.id), str(existing.id)}
    records = current_search_client.search(index=build_alias_name("records"))["hits"]["hits"]
    assert [hit["_source"]["control_number"] for hit in records] == [published.recid]
