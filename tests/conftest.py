"""Shared fixtures: the real PostgreSQL, OpenSearch, Redis and RabbitMQ.

``./scripts/test`` starts the services and exports the URLs; the defaults
below point at the same loopback services so a bare ``pytest`` works too.
Tests use their own database (``cap_test``) and a per-run index prefix, so
they never touch the instance that ``./scripts/run`` serves.
"""

import copy
import io
import json
import os
import uuid
from contextlib import contextmanager, suppress
from pathlib import Path
from types import SimpleNamespace

import pytest
from invenio_app.factory import create_api
from invenio_search import current_search_client
from invenio_search.utils import build_alias_name
from kombu import Exchange, Queue
from sqlalchemy.engine import make_url
from sqlalchemy_utils.functions import database_exists, drop_database

# The test apps are configured by the fixtures only. Invenio's config loader
# lets INVENIO_* variables override the app_config given to it, so a shell
# set up for ./scripts/run (INVENIO_SQLALCHEMY_DATABASE_URI,
# INVENIO_SEARCH_INDEX_PREFIX) pointed the tests at that demo instance, whose
# tables and indexes they then dropped. Subprocesses get theirs explicitly.
for _name in [name for name in os.environ if name.startswith("INVENIO_")]:
    del os.environ[_name]

RUN_ID = uuid.uuid4().hex[:8]
# Each run gets its own database, so parallel runs never share tables.
TEST_DATABASE_URI = make_url(
    os.environ.get(
        "SQLALCHEMY_DATABASE_URI",
        "postgresql+psycopg2://cap:cap@127.0.0.1:5432/cap_test",
    )
)
TEST_DATABASE_URI = TEST_DATABASE_URI.set(
    database=f"{TEST_DATABASE_URI.database}_{RUN_ID}"
).render_as_string(hide_password=False)
# ./scripts/test names the run's indexes (and deletes them all at its end);
# each pytest-xdist worker (gw0, gw1, ...) gets a prefix of its own under it.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
TEST_INDEX_PREFIX = os.environ.get("CAP_TEST_INDEX_PREFIX", f"test-{RUN_ID}-") + (
    f"{XDIST_WORKER}-" if XDIST_WORKER else "")
# A private bulk-indexing queue, so parallel runs never eat each other's messages.
INDEXER_QUEUE = f"indexer-test-{RUN_ID}"


def pytest_sessionfinish(session, exitstatus):
    """Drop this run's database and the schema indexes kept between modules."""
    import urllib.request

    if database_exists(TEST_DATABASE_URI):
        drop_database(TEST_DATABASE_URI)
    for hosts, prefix, *_ in map(json.loads, KEPT_INDEXES):
        for host in hosts if prefix.startswith("test-") else ():
            with suppress(OSError):  # a module's own engine is gone already
                urllib.request.urlopen(urllib.request.Request(
                    f"http://{host['host']}:{host['port']}/{prefix}*", method="DELETE"),
                    timeout=30)


@pytest.fixture(scope="module")
def db_uri():
    """The test database on the real PostgreSQL."""
    yield TEST_DATABASE_URI


@pytest.fixture(scope="session")
def directory_server():
    """The fake CERN directory (LDAP on 127.0.0.1): sharing never asks the real one."""
    from fakes.ldap_server import start_directory

    server = start_directory()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def smtp():
    """A real SMTP server on 127.0.0.1 (tests/fakes/smtp_server.py) for a module;
    ``.handler`` keeps what it received. Point the app at it with ``.port``."""
    from fakes.smtp_server import start_smtp

    controller = start_smtp()
    yield controller
    controller.stop()


@pytest.fixture(scope="module")
def app_config(app_config, directory_server):
    """Test configuration on top of pytest-invenio's defaults."""
    app_config.update(
        # Celery reads CELERY_BROKER_URL; pytest-invenio sets BROKER_URL only.
        CELERY_BROKER_URL=app_config["BROKER_URL"],
        CAP_DIRECTORY_URL=directory_server.url,
        SEARCH_INDEX_PREFIX=TEST_INDEX_PREFIX,
        SERVER_NAME="127.0.0.1:5000",
        SITE_UI_URL="http://127.0.0.1:5000",
        SITE_API_URL="http://127.0.0.1:5000/api",
        CACHE_TYPE="RedisCache",
        CACHE_REDIS_URL=os.environ.get("CACHE_REDIS_URL", "redis://127.0.0.1:6379/0"),
        ACCOUNTS_SESSION_REDIS_URL=os.environ.get(
            "ACCOUNTS_SESSION_REDIS_URL", "redis://127.0.0.1:6379/1"
        ),
        INDEXER_MQ_EXCHANGE=Exchange(INDEXER_QUEUE, type="direct"),
        INDEXER_MQ_QUEUE=Queue(
            INDEXER_QUEUE,
            exchange=Exchange(INDEXER_QUEUE, type="direct"),
            routing_key=INDEXER_QUEUE,
        ),
        INDEXER_MQ_ROUTING_KEY=INDEXER_QUEUE,
        # External sources' last success/failure: a hash of this run's own.
        CAP_SERVICES_STATUS_KEY=f"cap:test-{RUN_ID}:services:status",
        # invenio-access's action cache (Redis DB shared with dev): this run's own keys.
        ACCESS_ACTION_CACHE_PREFIX=f"cap:test-{RUN_ID}:access::action::",
        # Rate-limit counters of this run's own: another run's (or xdist
        # worker's) user 1 is someone else.
        RATELIMIT_KEY_PREFIX=f"cap-test-{RUN_ID}",
        # Dataset/trigger names are checked on save once a list is loaded (e.g.
        # by a `cap setup --demo` test): off unless a test module turns it on.
        CAP_DAS_VALIDATE=False,
        CAP_TRIGGERS_VALIDATE=False,
    )
    return app_config


@pytest.fixture(scope="module")
def create_app(instance_path):
    """The REST API application (served under /api in production)."""
    return create_api


@pytest.fixture(scope="module")
def create_user(app, database):
    """Factory: a confirmed user with roles, committed, plus a personal token.

    Returns a small object with ``.user``, ``.id``, ``.email``, ``.token``,
    ``.headers`` (Bearer token, JSON) and ``.identity`` (for service calls).
    Module-scoped data: the ``database`` fixture drops it with the module.
    """
    from flask_principal import Identity
    from invenio_access.permissions import any_user, authenticated_user
    from invenio_access.utils import get_identity
    from invenio_accounts.proxies import current_datastore
    from invenio_db import db as db_
    from invenio_oauth2server.models import Token

    from cap.modules.instance.fixtures import ensure_role

    class TestUser:
        def __init__(self, user, token):
            self.user, self.id, self.email = user, user.id, user.email
            self.token = token
            self.headers = {
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            }

        @property
        def identity(self):
            identity = get_identity(self.user)
            identity.provides.add(authenticated_user)
            return identity

    def factory(email, roles=(), scopes=None):
        user = current_datastore.create_user(email=email, password=None, active=True)
        user.confirmed_at = db_.func.now()
        for name in roles:
            current_datastore.add_role_to_user(user, ensure_role(name))
        db_.session.commit()
        token = Token.create_personal(f"test-{email}", user.id, scopes=scopes)
        db_.session.commit()
        return TestUser(user, token.access_token)

    factory.anonymous = Identity(None)
    factory.anonymous.provides.add(any_user)
    return factory


@pytest.fixture(scope="module")
def experiment_roles(app, database):
    """The experiment e-group roles with their ``<exp>-access`` grants, and superusers."""
    from cap.modules.instance.fixtures import load_roles

    load_roles()


KEPT_INDEXES = {}
"""Schema indexes kept from one module to the next: ``{key: state}``, by
engine, prefix, index settings and names (:func:`_kept_indexes_key`), with the
state (:func:`_index_state`) they were in when made."""


def _kept_indexes_key(app, names):
    config = app.config
    return json.dumps([config["SEARCH_HOSTS"], config["SEARCH_INDEX_PREFIX"],
                       config.get("CAP_SCHEMAS_INDEX_SETTINGS"), names],
                      sort_keys=True, default=str)


def _index_state(names):
    """What a module may have changed in the indexes ``names``: which exist,
    behind which names, with which aliases, mappings and shard settings, and
    how many documents they hold."""
    indexes = current_search_client.indices.get(index=",".join(names), ignore_unavailable=True)
    count = current_search_client.count(index=",".join(names), ignore_unavailable=True)
    return count["count"], {
        name: (index["aliases"], index["mappings"],
               {key: index["settings"]["index"].get(key)
                for key in ("number_of_shards", "number_of_replicas", "provided_name")})
        for name, index in indexes.items()}


@pytest.fixture(scope="module")
def schemas(app, database):
    """Every schema of cap/jsonschemas loaded, with its indexes.

    Making some 40 indexes cost seconds a module, so a module finds those the
    previous one left when they are as made (same engine and settings, no
    mapping, alias or document changed); otherwise they are made again.
    ``pytest_sessionfinish`` deletes them.
    """
    from cap.modules.schemas import api

    loaded = [schema for schema, _ in api.load_from_directory()]
    names = [name for schema in loaded for name in api.index_names(schema)]
    key = _kept_indexes_key(app, names)
    if key not in KEPT_INDEXES or KEPT_INDEXES[key] != _index_state(names):
        api.delete_index_names(names)
        for schema in loaded:
            api.create_indexes(schema)
        KEPT_INDEXES[key] = _index_state(names)
    yield {schema.name: schema for schema in api.list_schemas(latest_only=True)}


@pytest.fixture(autouse=True)
def _empty_indexes(request):
    """After each test that may index drafts or records (it loads the schemas,
    or is marked ``indexes_documents``): no drafts or records left in the indexes."""
    yield
    if "schemas" not in request.fixturenames and not request.node.get_closest_marker(
            "indexes_documents"):
        return
    # The minimal OpenSearch has no delete-by-query: the hits, in one bulk request.
    _refresh()
    hits = []
    for alias in ("deposits", "records"):
        answer = current_search_client.search(
            index=build_alias_name(alias), body={"size": 1000, "_source": False},
            ignore=[404],
        )
        hits += answer.get("hits", {}).get("hits", [])
    if hits:
        current_search_client.bulk(body=[{"delete": {"_index": hit["_index"], "_id": hit["_id"]}}
                                         for hit in hits], refresh=True)


@pytest.fixture(scope="module")
def users(create_user, experiment_roles):
    """Users by role: two CMS members, an ATLAS member, a stranger, a superuser."""
    return SimpleNamespace(
        owner=create_user("owner@cern.ch", roles=["cms-members@cern.ch"]),
        colleague=create_user("colleague@cern.ch", roles=["cms-members@cern.ch"]),
        atlas=create_user("atlas-member@cern.ch", roles=["atlas-active-members-all@cern.ch"]),
        stranger=create_user("stranger@cern.ch"),
        admin=create_user("support@cern.ch", roles=["analysis-preservation-support@cern.ch"]),
        anonymous=create_user.anonymous,
    )


@pytest.fixture
def service(app):
    """The deposit service."""
    from cap.modules.deposit.proxies import current_deposit_service

    return current_deposit_service


@pytest.fixture
def record_service(app):
    """The records service."""
    from cap.modules.records.proxies import current_record_service

    return current_record_service


@pytest.fixture
def env(db, location, schemas, users, service, record_service):
    """Everything a flow needs, in one object."""
    return SimpleNamespace(
        db=db, schemas=schemas, users=users, service=service, records=record_service
    )


@pytest.fixture
def add_file():
    """Put a file in a (draft) bucket, as the files endpoint would."""
    from invenio_db import db as db_
    from invenio_files_rest.models import ObjectVersion

    def add(deposit, key, content):
        obj = ObjectVersion.create(deposit.bucket, key, stream=io.BytesIO(content))
        db_.session.commit()
        return obj

    return add


GENERIC_COMPLETE = {
    "title": "Recasting dark-matter searches",
    "description": "Simplified model reinterpretation.",
    "people": [{"name": "Sofia Andersson", "affiliation": "Stockholm University"}],
    "keywords": ["reinterpretation", "dark matter"],
}
"""Generic metadata that passes full (record) validation."""


def _refresh():
    for alias in ("deposits", "records"):
        current_search_client.indices.refresh(index=build_alias_name(alias), ignore=[404])


@pytest.fixture
def complete():
    """Generic metadata that passes full (record) validation (a fresh copy)."""
    return copy.deepcopy(GENERIC_COMPLETE)


@pytest.fixture
def recorded_statements(app):
    """``with recorded_statements() as seen:`` the SQL statements sent in the
    block; ``recorded_statements(detail)`` records ``detail(connection,
    statement)`` for each instead."""
    from invenio_db import db as db_
    from sqlalchemy import event

    @contextmanager
    def record(detail=lambda connection, statement: statement):
        seen = []

        def on_execute(conn, cursor, statement, *args):
            seen.append(detail(conn, statement))

        event.listen(db_.engine, "before_cursor_execute", on_execute)
        try:
            yield seen
        finally:
            event.remove(db_.engine, "before_cursor_execute", on_execute)

    return record


@pytest.fixture
def refresh(app):
    """Make indexed documents searchable (tests only)."""
    return _refresh


@pytest.fixture
def indexed_ids(app):
    """Every document id in an alias (after a refresh)."""

    def ids(alias):
        _refresh()
        answer = current_search_client.search(
            index=build_alias_name(alias), body={"query": {"match_all": {}}, "size": 100}
        )
        return {hit["_id"] for hit in answer["hits"]["hits"]}

    return ids


@pytest.fixture
def example(app):
    """The example.json of a schema's latest version."""
    from cap.modules.schemas.api import get_schema

    def load(name):
        schema = get_schema(name)
        root = Path(app.config["CAP_SCHEMAS_DIR"])
        return json.loads((root / name / f"v{schema.version}" / "example.json").read_text())

    return load


@pytest.fixture(scope="module")
def cadi_server():
    """The fake CERN auth + CADI API (tests/fakes/cadi_server.py) for a module.

    Point the app at it in the module's ``app_config`` with
    ``app_config.update(cadi_server.config)``.
    """
    from fakes.cadi_server import start_cadi

    server = start_cadi()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def zenodo_server():
    """The fake Zenodo deposition API (tests/fakes/zenodo_server.py) for a module.

    Point the app at it with ``app_config.update(zenodo_server.config)``.
    """
    from fakes.zenodo_server import start_zenodo

    server = start_zenodo()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def reana_server():
    """The fake REANA server (tests/fakes/reana_server.py) for a module.

    Point the app at it with ``app_config.update(reana_server.config)``.
    """
    from fakes.reana_server import start_reana

    server = start_reana()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def orcid_server():
    """The fake ORCID API (tests/fakes/orcid_server.py) for a module; ``.url`` is its base."""
    from fakes.orcid_server import start_orcid

    server = start_orcid()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def ror_server():
    """The fake ROR API (tests/fakes/ror_server.py) for a module; ``.url`` is its base."""
    from fakes.ror_server import start_ror

    server = start_ror()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def github_server():
    """The fake GitHub API (tests/fakes/git_server.py) for a module; point the app
    at it with ``CAP_REPOSITORIES_HOSTS=hosts_config(github_server)``."""
    from fakes.git_server import start_github

    server = start_github()
    yield server
    server.stop()
