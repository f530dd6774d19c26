"""A node of a 3-node OpenSearch cluster killed while CAP saves drafts and
searches them: with one replica per shard, answers continue.

The cluster is our own (``scripts/services`` with ``CAP_OPENSEARCH_NODES=3``,
in ``var/faults/``, on ports of its own); the shared node on 9200 is never
touched. CAP's indexes get one replica (``CAP_SCHEMAS_INDEX_SETTINGS``) and
its search client knows every node (``SEARCH_HOSTS``)."""

import os
import signal
import time

import pytest
from invenio_search import current_search_client
from invenio_search.utils import prefix_index
from support.services import PrivateService, free_port_run

NODES = 3


@pytest.fixture(scope="module")
def cluster():
    """The running cluster (HTTP on ``cluster.port`` and the next two ports)."""
    service = PrivateService("opensearch", ports=NODES, env={
        "CAP_OPENSEARCH_NODES": str(NODES),
        "CAP_OPENSEARCH_TRANSPORT_PORT": str(free_port_run(NODES)),
    })
    try:
        service.start()
        yield service
    finally:
        service.remove()


@pytest.fixture(scope="module")
def app_config(app_config, cluster):
    app_config.update(
        SEARCH_HOSTS=[{"host": "127.0.0.1", "port": cluster.port + i} for i in range(NODES)],
        CAP_SCHEMAS_INDEX_SETTINGS={"number_of_shards": 2, "number_of_replicas": 1},
    )
    return app_config


@pytest.fixture(scope="module")
def schemas(app, database):
    """Every schema loaded, indexes for the generic type only: the test uses no
    other, and each index's shards and replicas are placed across the nodes."""
    from cap.modules.schemas import api

    for schema, _ in api.load_from_directory():
        if schema.name == "generic":
            api.create_indexes(schema)
    return {schema.name: schema for schema in api.list_schemas(latest_only=True)}


def draft(env, title):
    return env.service.create(env.users.owner.identity, {"$ana_type": "generic", "title": title})


def found(client, env):
    answer = client.get("/deposits/", query_string={"q": "title:cluster", "size": 100},
                        headers=env.users.owner.headers)
    return answer.status_code, answer.json


def test_searches_and_saves_go_on_while_a_node_is_down(env, client, refresh, cluster):
    engine = current_search_client
    index = prefix_index(env.schemas["generic"].deposit_index)
    health = engine.cluster.health(index=index, wait_for_status="green", params={"timeout": "60s"},
                                   request_timeout=70)
    assert health["status"] == "green" and health["number_of_nodes"] == NODES
    assert engine.indices.get_settings(index=index)[index]["settings"]["index"][
        "number_of_replicas"] == "1"
    saved = [draft(env, f"cluster before {i}") for i in range(4)]
    refresh()
    assert found(client, env)[1]["hits"]["total"] == len(saved)

    # The node holding a primary shard of the drafts' index: killed, no goodbye.
    shards = engine.cat.shards(index=index, format="json")
    victim = next(s["node"] for s in shards if s["prirep"] == "p")
    pid_file = cluster.folder / "opensearch" / f"node-{victim.rsplit('-', 1)[1]}" / "opensearch.pid"
    os.kill(int(pid_file.read_text()), signal.SIGKILL)

    answers, started = [], time.monotonic()
    for i in range(15):
        saved.append(draft(env, f"cluster during {i}"))
        refresh()
        status, body = found(client, env)
        answers.append((status, body["hits"]["total"] if status == 200 else body))
    elapsed = time.monotonic() - started

    assert answers == [(200, n) for n in range(5, 5 + 15)]
    assert elapsed < 60  # no request waited out a dead node's timeouts for long
    after = engine.cluster.health(wait_for_nodes=str(NODES - 1),
                                  params={"timeout": "60s"}, request_timeout=70)
    assert after["number_of_nodes"] == NODES - 1
    assert after["status"] in ("yellow", "green")  # every primary is assigned
    ids = {hit["id"] for hit in found(client, env)[1]["hits"]["hits"]}
    assert ids == {item.pid for item in saved}
