"""A draft of a legacy-format schema: create, save, publish, read back, search (issue 14).

The schema is our own legacy-format definition (tests/schemas/data/legacy):
a whole index body as mapping, a ``$ref`` by URL, ``x-cap-permission``.
"""

import json
from pathlib import Path

import pytest
from invenio_search import current_search_client

from cap.modules.schemas import api as schemas_api

DATA = Path(__file__).parents[1] / "schemas" / "data" / "legacy"

DOCUMENT = {
    "general_title": "Legacy search for long-lived dark photons",
    "basic_info": {"cadi_id": "EXO-21-007", "abstract": "Displaced vertices."},
    "cadi_info": {"status": "PUB", "contact": "Ada Lovelace", "year": 2021},
    "datasets": [{"path": "/DarkPhoton/Run2/AOD", "code": "analysis.py"}],
}
"""Valid under legacy-analysis v0.0.1, without the internal ``_`` fields."""


def h(user, **extra):
    return {**user.headers, **extra}


@pytest.fixture
def legacy_schema(env):
    """Both legacy-format definitions loaded (the analysis $refs the CADI one)."""
    definitions = [
        schemas_api.load_definition(json.loads((DATA / f"{name}.json").read_text()))
        for name in ("legacy-analysis", "legacy-cadi-info")
    ]
    loaded = [schema for schema, _ in schemas_api.load_definitions(definitions)]
    for schema in loaded:
        schemas_api.create_indexes(schema)
    yield schemas_api.get_schema("legacy-analysis")
    for schema in loaded:
        schemas_api.delete_indexes(schema)


def test_create_save_publish_read_back_and_search(client, env, legacy_schema, refresh):
    owner = env.users.owner
    created = client.post(
        "/deposits/", headers=h(owner),
        data=json.dumps({"$ana_type": "legacy-analysis", "general_title": "First try"}),
    )
    assert created.status_code == 201, created.json
    pid = created.json["id"]
    assert created.json["schema"]["name"] == "legacy-analysis"

    saved = client.put(f"/deposits/{pid}", headers=h(owner), data=json.dumps(DOCUMENT))
    assert saved.status_code == 200, saved.json
    assert saved.json["metadata"] == DOCUMENT

    published = client.post(f"/deposits/{pid}/actions/publish", headers=h(owner))
    assert published.status_code == 202, published.json
    record = client.get(f"/records/{published.json['recid']}", headers=h(owner))
    assert record.status_code == 200
    assert record.json["metadata"] == DOCUMENT

    refresh()
    for alias in ("deposits", "records"):
        found = client.get(
            f"/{alias}/", query_string={"q": 'general_title:"long-lived dark photons"'},
            headers=h(owner),
        )
        assert found.status_code == 200
        assert found.json["hits"]["total"] == 1, (alias, found.json)


def test_a_40000_character_title_is_indexed(client, env, legacy_schema, refresh):
    owner = env.users.owner
    title = "word " + "x" * 39_995
    created = client.post(
        "/deposits/", headers=h(owner),
        data=json.dumps({"$ana_type": "legacy-analysis", "general_title": title}),
    )
    assert created.status_code == 201, created.json
    refresh()
    # The keyword sub-field ignores the long value; the text field takes it.
    index = schemas_api.index_names(legacy_schema)[0]
    uuid = str(env.service.read(owner.identity, created.json["id"]).id)
    document = current_search_client.get(index=index, id=uuid)
    assert document["_source"]["general_title"] == title
    found = client.get("/deposits/", query_string={"q": "general_title:word"}, headers=h(owner))
    assert found.json["hits"]["total"] == 1


def test_a_title_over_the_limit_is_a_400_naming_it(app, client, env, legacy_schema):
    limit = app.config["CAP_SCHEMAS_STRING_MAX_LENGTH"]
    answer = client.post(
        "/deposits/", headers=h(env.users.owner),
        data=json.dumps({"$ana_type": "legacy-analysis", "general_title": "x" * (limit + 1)}),
    )
    assert answer.status_code == 400
    assert [e["field"] for e in answer.json["errors"]] == [["general_title"]]


def test_x_cap_permission_protects_the_field(client, env, legacy_schema):
    owner = env.users.owner
    pid = client.post(
        "/deposits/", headers=h(owner),
        data=json.dumps({"$ana_type": "legacy-analysis", "general_title": "T"}),
    ).json["id"]
    refused = client.put(
        f"/deposits/{pid}", headers=h(owner),
        data=json.dumps({"general_title": "T", "review_status": "approved"}),
    )
    assert refused.status_code == 403
    assert [e["field"] for e in refused.json["errors"]] == [["review_status"]]
    # The form shows the field read-only to them.
    form = client.get(f"/deposits/{pid}", headers=h(owner, Accept="application/form+json"))
    assert form.status_code == 200
    assert form.json["schemas"]["schema"]["properties"]["review_status"]["readOnly"] is True
    # A superuser may change it.
    allowed = client.put(
        f"/deposits/{pid}", headers=h(env.users.admin),
        data=json.dumps({"general_title": "T", "review_status": "approved"}),
    )
    assert allowed.status_code == 200, allowed.json


def test_unique_cadi_keyword_refuses_a_second_draft(client, env, legacy_schema):
    owner = env.users.owner
    body = {"$ana_type": "legacy-analysis", "general_title": "T",
            "basic_info": {"cadi_id": "EXO-21-008"}}
    first = client.post("/deposits/", headers=h(owner), data=json.dumps(body))
    assert first.status_code == 201, first.json
    second = client.post("/deposits/", headers=h(owner), data=json.dumps(body))
    assert second.status_code == 400
    assert [e["field"] for e in second.json["errors"]] == [["basic_info", "cadi_id"]]
