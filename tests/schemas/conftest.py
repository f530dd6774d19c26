"""Fixtures of the schemas tests: a small schema of our own, users, index clean-up."""

import copy
import json
from types import SimpleNamespace

import pytest
from invenio_search import current_search_client

TEST_DEFINITION = {
    "name": "test-analysis",
    "version": "1.0.0",
    "fullname": "Test analysis",
    "experiment": "CMS",
    "config": {"reviewable": False, "facets": {"cadi": {"terms": {"field": "basic_info.cadi_id"}}}},
    "deposit_schema": {
        "type": "object",
        "definitions": {
            "person": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "email": {"type": "string", "format": "email"},
                },
                "required": ["name"],
            }
        },
        "properties": {
            "title": {"type": "string"},
            "basic_info": {
                "type": "object",
                "properties": {
                    "cadi_id": {"type": "string", "pattern": "^[A-Z]{3}-\\d{2}-\\d{3}$"},
                    "people": {"type": "array", "items": {"$ref": "#/definitions/person"}},
                },
                "required": ["cadi_id"],
            },
            # A property that happens to be called "required": it must survive.
            "required": {"type": "integer"},
        },
        "required": ["title", "basic_info"],
    },
    "deposit_options": {"ui:order": ["title", "basic_info", "*"]},
    "deposit_mapping": {
        "properties": {
            "title": {
                "type": "text",
                "fields": {"raw": {"type": "keyword", "normalizer": "caseless"}},
            },
            "basic_info": {
                "properties": {
                    "cadi_id": {"type": "keyword"},
                    "people": {"properties": {"name": {"type": "text"}}},
                }
            },
        }
    },
}
"""A small CMS schema (user fields only), built by the tests, not loaded from disk."""

VALID_DOCUMENT = {
    "title": "A search for dark matter",
    "basic_info": {
        "cadi_id": "EXO-19-001",
        "people": [{"name": "Ada", "email": "ada@cern.ch"}],
    },
}


@pytest.fixture()
def definition():
    """A fresh copy of the test schema definition."""
    return copy.deepcopy(TEST_DEFINITION)


@pytest.fixture()
def valid_document():
    """A document valid against the test schema."""
    return copy.deepcopy(VALID_DOCUMENT)


def _write_definition(root, definition, mappings_root=None):
    """Write a definition in the ``<name>/v<M.m.p>/`` layout; returns its folders."""
    mappings_root = mappings_root or root.parent / "mappings"
    folder = root / definition["name"] / f"v{definition['version']}"
    mappings = mappings_root / definition["name"] / f"v{definition['version']}"
    folder.mkdir(parents=True, exist_ok=True)
    mappings.mkdir(parents=True, exist_ok=True)
    documents = {"deposit_schema": "deposit.json", "deposit_options": "deposit-options.json",
                 "record_schema": "record.json", "record_options": "record-options.json"}
    config = {k: v for k, v in definition.items() if k not in documents and "mapping" not in k}
    (folder / "config.json").write_text(json.dumps(config))
    for key, filename in documents.items():
        if definition.get(key) is not None:
            (folder / filename).write_text(json.dumps(definition[key]))
    for kind in ("deposit", "record"):
        if definition.get(f"{kind}_mapping") is not None:
            (mappings / f"{kind}.json").write_text(json.dumps(definition[f"{kind}_mapping"]))
    return folder, mappings


@pytest.fixture()
def write_definition():
    """``write_definition(root, definition, mappings_root=None)`` -> its two folders."""
    return _write_definition


@pytest.fixture()
def schema_dirs(tmp_path, definition):
    """``(root, mappings_root)`` holding the test schema on disk."""
    root, mappings_root = tmp_path / "jsonschemas", tmp_path / "mappings"
    _write_definition(root, definition, mappings_root)
    return root, mappings_root


@pytest.fixture()
def make_schema(db):
    """Factory: store a definition (with overrides) and commit; returns the model."""
    from cap.modules.schemas import api
    from cap.modules.schemas.definition import load_definition
    from cap.modules.schemas.models import Schema

    def factory(**overrides):
        data = {**copy.deepcopy(TEST_DEFINITION), **overrides}
        schema = api.apply_definition(Schema(), load_definition(data))
        db.session.add(schema)
        db.session.commit()
        return schema

    return factory


@pytest.fixture()
def test_schema(make_schema):
    """The test schema (CMS) stored."""
    return make_schema()


@pytest.fixture(autouse=True)
def _delete_schema_indexes(app):
    """Delete every schema index a test created (all under the per-run prefix)."""
    yield
    prefix = app.config["SEARCH_INDEX_PREFIX"]
    assert prefix, "tests must run with an index prefix"
    current_search_client.indices.delete(
        index=f"{prefix}deposits-*,{prefix}records-*", ignore=[404]
    )


@pytest.fixture(scope="module")
def users(create_user, experiment_roles):
    """One user per role the schema rules care about (with tokens and identities)."""
    return SimpleNamespace(
        cms=create_user("cms-member@test.org", roles=["cms-members@cern.ch"]),
        lhcb=create_user("lhcb-member@test.org", roles=["lhcb-general@cern.ch"]),
        plain=create_user("plain@test.org"),
        superuser=create_user(
            "superuser@test.org", roles=["analysis-preservation-support@cern.ch"]
        ),
        anonymous=create_user.anonymous,
    )


@pytest.fixture()
def grant(db):
    """Factory: grant a schema-level action to a user (rolled back with the test)."""
    from invenio_access.models import ActionUsers
    from invenio_access.permissions import ParameterizedActionNeed

    def factory(test_user, action, schema_name):
        db.session.add(
            ActionUsers.allow(ParameterizedActionNeed(action, schema_name), user_id=test_user.id)
        )
        db.session.commit()

    return factory
