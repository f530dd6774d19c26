"""Fixtures of the deposit and records tests: schemas, users, drafts.

Module-scoped app, schemas and users; function-scoped ``db`` (rolled back
per test) and an autouse clean-up that empties the drafts/records indexes,
so search tests see only their own documents.
"""

import io
import uuid
from types import SimpleNamespace

import pytest
from invenio_search import current_search_client
from invenio_search.utils import build_alias_name
from kombu import Exchange, Queue

QUEUE_NAME = f"indexer-test-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def app_config(app_config):
    """A private bulk-indexing queue, so parallel runs never eat each other's messages."""
    exchange = Exchange(QUEUE_NAME, type="direct")
    app_config.update(
        INDEXER_MQ_EXCHANGE=exchange,
        INDEXER_MQ_QUEUE=Queue(QUEUE_NAME, exchange=exchange, routing_key=QUEUE_NAME),
        INDEXER_MQ_ROUTING_KEY=QUEUE_NAME,
    )
    return app_config


@pytest.fixture(scope="module")
def schemas(app, database):
    """Every schema of cap/jsonschemas loaded, with its indexes (deleted at teardown)."""
    from cap.modules.schemas import api

    loaded = [schema for schema, _ in api.load_from_directory()]
    names = []
    for schema in loaded:
        api.create_indexes(schema)
        names += api.index_names(schema)
    yield {schema.name: schema for schema in api.list_schemas(latest_only=True)}
    api.delete_index_names(names)


@pytest.fixture(autouse=True)
def _empty_indexes(request):
    """After each test using the app: no drafts or records left in the indexes."""
    yield
    if "schemas" not in request.fixturenames:
        return
    # The minimal OpenSearch has no delete-by-query: delete hit by hit.
    _refresh()
    for alias in ("deposits", "records"):
        answer = current_search_client.search(
            index=build_alias_name(alias), body={"size": 1000, "_source": False},
            ignore=[404],
        )
        for hit in answer.get("hits", {}).get("hits", []):
            current_search_client.delete(index=hit["_index"], id=hit["_id"], ignore=[404])
    _refresh()


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
    import copy

    return copy.deepcopy(GENERIC_COMPLETE)


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
    import json
    from pathlib import Path

    from cap.modules.schemas.api import get_schema

    def load(name):
        schema = get_schema(name)
        root = Path(app.config["CAP_SCHEMAS_DIR"])
        return json.loads((root / name / f"v{schema.version}" / "example.json").read_text())

    return load
