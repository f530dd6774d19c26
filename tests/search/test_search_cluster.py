"""A three-node OpenSearch cluster (``CAP_OPENSEARCH_NODES=3`` of
scripts/services, a private one on ports of its own): every CAP index has a
replica on another node, and when the cluster manager node stops, searches
and writes through the API go on and nothing written is missing."""

import socket
import threading
import time

import pytest
import requests
from invenio_search import current_search_client
from support.live import free_port, served_config, serving
from support.services import PrivateService

NODES = 3


def free_port_run(count):
    """A port ``p`` with ``p..p+count-1`` and ``p+100..p+100+count-1`` free
    (the nodes' HTTP and transport ports)."""
    for _ in range(50):
        base = free_port()
        ports = [base + n for n in range(count)] + [base + 100 + n for n in range(count)]
        if all(port < 65536 and _free(port) for port in ports):
            return base
    raise RuntimeError("no run of free ports")


def _free(port):
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@pytest.fixture(scope="module")
def cluster():
    base = free_port_run(NODES)
    service = PrivateService(
        "opensearch", port=base, CAP_OPENSEARCH_NODES=str(NODES),
        CAP_OPENSEARCH_TRANSPORT_PORT=str(base + 100),
        CAP_OPENSEARCH_JAVA_OPTS="-Xms384m -Xmx384m")
    service.start()
    yield service
    service.remove()


@pytest.fixture(scope="module")
def live_port():
    return free_port()


@pytest.fixture(scope="module")
def app_config(app_config, cluster, live_port):
    """The app talks to every node (the client moves on when one is gone)."""
    served_config(app_config, live_port)
    app_config["SEARCH_HOSTS"] = [{"host": "127.0.0.1", "port": cluster.port + n}
                                  for n in range(NODES)]
    return app_config


@pytest.fixture(scope="module")
def server(app, database, location, schemas, experiment_roles, live_port):
    with serving(app, live_port) as url:
        yield url


def shards(prefix):
    """``[(index, primary?, state, node)]`` of the indexes under ``prefix``."""
    rows = current_search_client.cat.shards(index=f"{prefix}*", format="json",
                                            h="index,prirep,state,node")
    return [(row["index"], row["prirep"] == "p", row["state"], row["node"]) for row in rows]


def test_every_index_has_a_replica_on_another_node(app, server):
    prefix = app.config["SEARCH_INDEX_PREFIX"]
    health = current_search_client.cluster.health(
        index=f"{prefix}*", wait_for_status="green", params={"timeout": "60s"},
        request_timeout=70)
    assert health["status"] == "green" and health["number_of_nodes"] == NODES
    placed = {}
    for index, primary, state, node in shards(prefix):
        assert state == "STARTED"
        placed.setdefault(index, []).append((primary, node))
    assert any("cms-analysis" in index for index in placed)
    for index, copies in placed.items():
        assert sorted(primary for primary, _ in copies) == [False, True], index
        assert len({node for _, node in copies}) == 2, index


def test_searches_and_writes_go_on_while_a_node_is_away(app, server, cluster, create_user):
    owner = create_user("cluster-writer@cern.ch", roles=["cms-members@cern.ch"])
    results = []  # (status or exception name, kind, started)
    created = []
    stop = threading.Event()

    def client(number):
        session = requests.Session()
        session.trust_env = False  # no proxy look-ups in os.environ, which pytest changes
        session.headers.update(owner.headers)
        count = 0
        while not stop.is_set():
            count += 1
            started = time.monotonic()
            try:
                if count % 2:
                    answer = session.post(f"{server}/deposits/", timeout=60, json={
                        "$ana_type": "cms-analysis",
                        "general_title": f"Clustered {number}-{count}"})
                    if answer.status_code == 201:
                        created.append(answer.json()["id"])
                    results.append((answer.status_code, "create", started))
                else:
                    answer = session.get(f"{server}/deposits/?q=Clustered", timeout=60)
                    results.append((answer.status_code, "search", started))
            except requests.RequestException as error:
                results.append((type(error).__name__, "error", started))

    clients = [threading.Thread(target=client, args=(n,)) for n in range(3)]
    for thread in clients:
        thread.start()
    time.sleep(3)
    manager = current_search_client.cat.cluster_manager(format="json")[0]["node"]
    stopped = int(manager.removeprefix("cap-node"))
    stopped_at = time.monotonic()
    cluster.run("opensearch-node", "stop", str(stopped))
    time.sleep(8)
    away_until = time.monotonic()
    stop.set()
    for thread in clients:
        thread.join(120)

    assert all(status in (200, 201) for status, _, _ in results), \
        [result for result in results if result[0] not in (200, 201)]
    away = [kind for _, kind, started in results if stopped_at < started < away_until]
    assert away.count("create") >= 3 and away.count("search") >= 3, results

    # Every draft the API said it created is in the index.
    current_search_client.indices.refresh(index=f"{app.config['SEARCH_INDEX_PREFIX']}*")
    found = requests.get(f"{server}/deposits/?q=Clustered&size=1", timeout=60,
                         headers=owner.headers).json()["hits"]["total"]
    assert found == len(created) > 0
