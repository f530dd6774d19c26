"""Indexing of drafts: index names from the ``$schema`` URL, one schema look-up per create."""

import pytest
from invenio_db import db
from invenio_search import current_search_client
from invenio_search.utils import prefix_index
from sqlalchemy import event

from cap.modules.records.indexer import record_to_index, schema_info_of
from cap.modules.schemas.api import schema_url
from cap.modules.schemas.errors import SchemaNotFoundError


def test_index_names_come_from_the_url(env):
    schema = env.schemas["cms-analysis"]
    draft = {"$schema": schema_url(schema, kind="deposit"), "_deposit": {}}
    record = {"$schema": schema_url(schema, kind="record"), "control_number": "1"}
    assert record_to_index(draft) == schema.deposit_index
    assert schema.deposit_index == f"deposits-cms-analysis-v{schema.version}"
    assert record_to_index(record) == schema.record_index
    # Leading zeros name the same version (as get_schema_by_url reads them).
    major, minor, patch = schema.version.split(".")
    padded = f"https://x/schemas/deposits/records/cms-analysis-v0{major}.{minor}.{patch}.json"
    assert record_to_index({"$schema": padded}) == schema.deposit_index
    for url in ("https://x/not-a-schema.json", None):
        with pytest.raises(SchemaNotFoundError):
            record_to_index({"$schema": url})


@pytest.fixture
def schema_selects():
    """Count the ``cap_schemas`` SELECTs while the test runs."""
    statements = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT") and "FROM cap_schemas" in statement:
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    yield statements
    event.remove(db.engine, "before_cursor_execute", count)


def test_create_looks_the_schema_up_once(env, schema_selects):
    schema = env.schemas["cms-analysis"]
    deposit = env.service.create(
        env.users.owner.identity,
        {"$ana_type": "cms-analysis", "basic_info": {"analysis_title": "Z'"}},
    )
    assert len(schema_selects) == 1
    document = current_search_client.get(
        index=prefix_index(schema.deposit_index), id=str(deposit.id)
    )["_source"]
    assert document["_schema"] == {
        "name": "cms-analysis", "version": schema.version, "fullname": schema.fullname,
    }
    assert schema_info_of(deposit) == document["_schema"]


def test_attached_schema_info_only_for_its_own_url(env, schema_selects):
    deposit = env.service.create(env.users.owner.identity, {"$ana_type": "generic"}).record
    other = env.schemas["cms-analysis"]
    deposit.schema_info = other.info  # does not name the draft's $schema
    schema_selects.clear()
    info = schema_info_of(deposit)
    assert info["name"] == "generic" and len(schema_selects) == 1
