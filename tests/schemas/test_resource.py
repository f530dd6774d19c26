"""REST endpoints of schemas: status codes and response shapes."""

import json

import pytest
from flask import current_app
from invenio_search import current_search_client

from cap.modules.core.errors import PermissionDeniedError
from cap.modules.schemas import api
from cap.modules.schemas.errors import SchemaNotFoundError
from cap.modules.schemas.proxies import current_schemas_service as service

JSON = {"Content-Type": "application/json", "Accept": "application/json"}


@pytest.fixture()
def lhcb_schema(make_schema):
    """A schema of another experiment."""
    return make_schema(name="lhcb-test", experiment="LHCb")


@pytest.fixture()
def generic_schema(make_schema):
    """An experiment-free schema."""
    return make_schema(name="generic-test", experiment=None)


@pytest.fixture()
def grant_role(db):
    """Factory: grant a schema-level action (argument may be None) to a role."""
    from invenio_access.models import ActionRoles
    from invenio_access.permissions import ParameterizedActionNeed
    from invenio_accounts.models import Role

    def factory(role_name, action, schema_name):
        role = Role.query.filter_by(name=role_name).one()
        db.session.add(
            ActionRoles.allow(ParameterizedActionNeed(action, schema_name), role_id=role.id)
        )
        db.session.commit()

    return factory


def _names(response):
    return sorted((item["name"], item["version"]) for item in response.json)


# The rules (service.can), role by action
# =======================================

RULES = [
    # who, schema, action, allowed
    ("anonymous", "test-analysis", "list", False),
    ("anonymous", "generic-test", "read", False),
    ("plain", "test-analysis", "list", True),
    ("plain", "generic-test", "read", True),
    ("plain", "test-analysis", "read", False),
    ("cms", "test-analysis", "read", True),
    ("cms", "lhcb-test", "read", False),
    ("lhcb", "lhcb-test", "read", True),
    ("cms", "test-analysis", "update", False),
    ("cms", "test-analysis", "manage", False),
    ("cms", "test-analysis", "create", False),
    ("superuser", "lhcb-test", "read", True),
    ("superuser", "lhcb-test", "update", True),
    ("superuser", "lhcb-test", "delete", True),
    ("superuser", "test-analysis", "create", True),
]


@pytest.mark.parametrize("who,name,action,allowed", RULES)
def test_rules(users, test_schema, lhcb_schema, generic_schema, who, name, action, allowed):
    from cap.modules.schemas.service import can

    identity = users.anonymous if who == "anonymous" else getattr(users, who).identity
    assert can(identity, action, api.get_schema(name)) is allowed


def test_schema_grants(users, test_schema, lhcb_schema, grant, grant_role):
    from cap.modules.schemas.service import can

    cms, plain = users.cms.identity, users.plain.identity
    grant(users.plain, "record-schema-review", "lhcb-test")
    assert can(plain, "read", lhcb_schema)
    assert not can(plain, "update", lhcb_schema)
    assert not can(plain, "read", test_schema)  # grants are per schema name

    grant_role("cms-members@cern.ch", "deposit-schema-admin", "lhcb-test")
    for action in ("read", "update", "delete", "manage"):
        assert can(cms, action, lhcb_schema), action
    assert not can(cms, "create", lhcb_schema)

    # A grant without argument covers every schema.
    grant(users.lhcb, "deposit-schema-admin", None)
    assert can(users.lhcb.identity, "update", test_schema)


# Reading
# =======


def test_anonymous_gets_401(client, test_schema):
    for url in (
        "/jsonschemas/",
        "/jsonschemas/test-analysis",
        "/jsonschemas/test-analysis/1.0.0",
        "/jsonschemas/test-analysis/versions",
        "/schemas/deposits/records/test-analysis-v1.0.0.json",
    ):
        response = client.get(url, headers=JSON)
        assert response.status_code == 401, url
        assert response.json["status"] == 401


def test_members_read_their_experiments_schemas_only(
    client, users, test_schema, lhcb_schema, generic_schema
):
    cms = users.cms.headers
    response = client.get("/jsonschemas/", headers=cms)
    assert response.status_code == 200
    assert _names(response) == [("generic-test", "1.0.0"), ("test-analysis", "1.0.0")]

    assert client.get("/jsonschemas/test-analysis", headers=cms).status_code == 200
    denied = client.get("/jsonschemas/lhcb-test", headers=cms)
    assert denied.status_code == 403
    assert denied.json["message"]

    plain = users.plain.headers
    assert _names(client.get("/jsonschemas/", headers=plain)) == [("generic-test", "1.0.0")]
    assert client.get("/jsonschemas/test-analysis", headers=plain).status_code == 403
    assert client.get("/jsonschemas/generic-test", headers=plain).status_code == 200

    everything = client.get("/jsonschemas/", headers=users.superuser.headers)
    assert len(everything.json) == 3


def test_read_one_shape(client, users, test_schema):
    response = client.get("/jsonschemas/test-analysis/1.0.0", headers=users.cms.headers)
    assert response.status_code == 200
    body = response.json
    assert body["name"] == "test-analysis"
    assert body["version"] == "1.0.0"
    assert body["fullname"] == "Test analysis"
    assert body["experiment"] == "CMS"
    assert body["deposit_schema"] == test_schema.deposit_schema
    assert body["record_schema"] == test_schema.deposit_schema  # record = deposit
    assert body["deposit_options"] == {"ui:order": ["title", "basic_info", "*"]}
    assert body["record_options"] == body["deposit_options"]
    assert body["config"]["facets"]["cadi"] == {"terms": {"field": "basic_info.cadi_id"}}
    assert "deposit_mapping" not in body  # only for those who manage the schema
    links = body["links"]
    assert links["self"].endswith("/jsonschemas/test-analysis/1.0.0")
    assert links["deposit_schema"] == api.schema_url(test_schema)
    assert links["record_schema"] == api.schema_url(test_schema, "record")
    assert links["deposit_options"].endswith(
        "/schemas/options/deposits/records/test-analysis-v1.0.0.json"
    )

    # Superusers also see the mappings.
    admin = client.get("/jsonschemas/test-analysis/1.0.0", headers=users.superuser.headers)
    assert admin.json["deposit_mapping"] == test_schema.deposit_mapping


def test_resolve_inlines_references(client, users, test_schema):
    plain = client.get("/jsonschemas/test-analysis", headers=users.cms.headers).json
    people = plain["deposit_schema"]["properties"]["basic_info"]["properties"]["people"]
    assert people["items"] == {"$ref": "#/definitions/person"}

    resolved = client.get(
        "/jsonschemas/test-analysis/1.0.0?resolve=True&config=true", headers=users.cms.headers
    ).json
    people = resolved["deposit_schema"]["properties"]["basic_info"]["properties"]["people"]
    assert people["items"]["properties"]["name"] == {"type": "string"}
    assert resolved["config"]


def test_latest_and_versions(client, users, make_schema):
    for version in ("1.0.0", "1.10.0", "1.2.0"):
        make_schema(version=version)
    cms = users.cms.headers
    assert client.get("/jsonschemas/test-analysis", headers=cms).json["version"] == "1.10.0"
    versions = client.get("/jsonschemas/test-analysis/versions", headers=cms)
    assert [item["version"] for item in versions.json] == ["1.0.0", "1.2.0", "1.10.0"]
    latest = client.get("/jsonschemas/?latest=true", headers=cms)
    assert _names(latest) == [("test-analysis", "1.10.0")]
    denied = client.get("/jsonschemas/test-analysis/versions", headers=users.plain.headers)
    assert denied.status_code == 403


def test_unknown_schema_is_404(client, users, test_schema):
    for url in (
        "/jsonschemas/nothing",
        "/jsonschemas/nothing/1.0.0",
        "/jsonschemas/test-analysis/9.9.9",
        "/jsonschemas/test-analysis/latest",
        "/jsonschemas/nothing/versions",
        "/jsonschemas/nothing/permissions",
        "/schemas/deposits/records/nothing-v1.0.0.json",
        "/schemas/records/test-analysis.json",
    ):
        response = client.get(url, headers=users.superuser.headers)
        assert response.status_code == 404, url
        assert response.json["status"] == 404


# Raw documents
# =============


def test_raw_documents(client, users, test_schema, lhcb_schema):
    cms = users.cms.headers
    deposit = client.get("/schemas/deposits/records/test-analysis-v1.0.0.json", headers=cms)
    assert deposit.status_code == 200
    assert deposit.json == test_schema.deposit_schema
    record = client.get("/schemas/records/test-analysis-v1.0.0.json", headers=cms)
    assert record.json == test_schema.record_schema
    options = client.get("/schemas/options/deposits/records/test-analysis-v1.0.0.json", headers=cms)
    assert options.json == test_schema.deposit_options
    record_options = client.get("/schemas/options/records/test-analysis-v1.0.0.json", headers=cms)
    assert record_options.json == test_schema.deposit_options

    assert client.get("/schemas/records/lhcb-test-v1.0.0.json", headers=cms).status_code == 403
    # The URL in links/$schema is served by this endpoint.
    path = api.schema_url(test_schema).split("/api", 1)[1]
    assert client.get(path, headers=cms).json == test_schema.deposit_schema


# Writing
# =======


def test_superuser_creates_updates_and_deletes(db, client, users, definition):
    su = users.superuser.headers
    created = client.post("/jsonschemas/", headers=su, data=json.dumps(definition))
    assert created.status_code == 201, created.json
    assert created.json["name"] == "test-analysis"
    assert created.json["deposit_mapping"] == definition["deposit_mapping"]
    schema = api.get_schema("test-analysis", "1.0.0")
    indices = current_search_client.indices
    assert all(indices.exists(index=name) for name in api.index_names(schema))

    again = client.post("/jsonschemas/", headers=su, data=json.dumps(definition))
    assert again.status_code == 409
    assert again.json["errors"] == [{"field": ["version"], "message": "Exists already."}]

    # PUT: the whole definition back with a new title and options.
    body = {**created.json, "fullname": "Renamed", "deposit_options": {"ui:order": ["*"]}}
    updated = client.put("/jsonschemas/test-analysis/1.0.0", headers=su, data=json.dumps(body))
    assert updated.status_code == 200, updated.json
    assert updated.json["fullname"] == "Renamed"
    assert updated.json["deposit_options"] == {"ui:order": ["*"]}

    # PATCH: a JSON Patch list, or a partial object.
    patched = client.patch(
        "/jsonschemas/test-analysis/1.0.0",
        headers={**su, "Content-Type": "application/json-patch+json"},
        data=json.dumps([{"op": "replace", "path": "/config/reviewable", "value": True}]),
    )
    assert patched.status_code == 200, patched.json
    assert patched.json["config"]["reviewable"] is True
    patched = client.patch(
        "/jsonschemas/test-analysis/1.0.0", headers=su, data=json.dumps({"fullname": "Again"})
    )
    assert patched.json["fullname"] == "Again"
    assert patched.json["config"]["reviewable"] is True

    deleted = client.delete("/jsonschemas/test-analysis/1.0.0", headers=su)
    assert deleted.status_code == 204
    assert client.get("/jsonschemas/test-analysis", headers=su).status_code == 404
    assert not any(indices.exists(index=name) for name in api.index_names(schema))


def test_data_parts_of_a_version_do_not_change(client, users, test_schema):
    su = users.superuser.headers
    changed = {**test_schema.to_dict(), "deposit_schema": {"type": "object"}, "experiment": None}
    response = client.put("/jsonschemas/test-analysis/1.0.0", headers=su, data=json.dumps(changed))
    assert response.status_code == 409
    fields = {".".join(e["field"]) for e in response.json["errors"]}
    assert fields == {"deposit_schema", "experiment"}
    assert "new version" in response.json["message"]

    other = {**test_schema.to_dict(), "version": "2.0.0"}
    response = client.put("/jsonschemas/test-analysis/1.0.0", headers=su, data=json.dumps(other))
    assert response.status_code == 400
    assert response.json["errors"] == [{"field": ["version"], "message": "Does not match the URL."}]


def test_delete_refused_while_documents_are_indexed(client, users, test_schema, valid_document):
    api.create_indexes(test_schema)
    current_search_client.index(
        index=api.index_names(test_schema)[0], body=valid_document, refresh=True
    )
    response = client.delete("/jsonschemas/test-analysis/1.0.0", headers=users.superuser.headers)
    assert response.status_code == 409
    assert api.get_schema("test-analysis", "1.0.0")


def test_bad_input_is_400_naming_fields(db, client, users, definition):
    su = users.superuser.headers
    bad = {
        **definition,
        "name": "Bad Name!",
        "version": "1.0",
        "experiment": "NA62",
        "deposit_schema": {"type": 12},
        "surprise": 1,
    }
    response = client.post("/jsonschemas/", headers=su, data=json.dumps(bad))
    assert response.status_code == 400
    fields = {".".join(e["field"]) for e in response.json["errors"]}
    # A bad JSON Schema is named down to its keyword.
    assert fields == {"name", "version", "experiment", "deposit_schema.type", "surprise"}

    del definition["deposit_schema"]
    response = client.post("/jsonschemas/", headers=su, data=json.dumps(definition))
    assert response.status_code == 400
    assert response.json["errors"] == [
        {"field": ["deposit_schema"], "message": "Missing data for required field."}
    ]

    not_json = client.post("/jsonschemas/", headers=su, data="{nope")
    assert not_json.status_code == 400
    assert client.post("/jsonschemas/", headers=su, data="[]").status_code == 400


def test_mapping_the_search_engine_refuses_is_400(db, client, users, definition):
    definition["deposit_mapping"] = {"properties": {"title": {"type": "no-such-type"}}}
    response = client.post(
        "/jsonschemas/", headers=users.superuser.headers, data=json.dumps(definition)
    )
    assert response.status_code == 400
    assert response.json["errors"][0]["field"] == ["deposit_mapping"]
    assert "no-such-type" in response.json["errors"][0]["message"]
    with pytest.raises(SchemaNotFoundError):
        api.get_schema("test-analysis")
    prefix = current_app.config["SEARCH_INDEX_PREFIX"]
    for kind in ("deposits", "records"):
        index = f"{prefix}{kind}-test-analysis-v1.0.0"
        assert not current_search_client.indices.exists(index=index)


def test_members_cannot_write(client, users, test_schema, definition):
    cms = users.cms.headers
    definition["name"] = "mine"
    url = "/jsonschemas/test-analysis/1.0.0"
    assert client.post("/jsonschemas/", headers=cms, data=json.dumps(definition)).status_code == 403
    assert client.patch(url, headers=cms, data=json.dumps({"fullname": "x"})).status_code == 403
    assert client.delete(url, headers=cms).status_code == 403
    assert client.get(f"{url}/permissions", headers=cms).status_code == 403
    anonymous = client.post("/jsonschemas/", headers=JSON, data=json.dumps(definition))
    assert anonymous.status_code == 401


def test_schema_admin_updates_and_versions_their_type_only(
    client, users, test_schema, grant, definition
):
    grant(users.plain, "deposit-schema-admin", "test-analysis")
    plain = users.plain.headers
    # Any schema-level grant also lets one read the schema.
    read = client.get("/jsonschemas/test-analysis", headers=plain)
    assert read.status_code == 200
    assert "deposit_mapping" in read.json
    response = client.patch(
        "/jsonschemas/test-analysis/1.0.0", headers=plain, data=json.dumps({"fullname": "Mine"})
    )
    assert response.status_code == 200
    assert response.json["fullname"] == "Mine"
    # A new version of their type, keeping its experiment.
    definition["version"] = "2.0.0"
    moved = client.post("/jsonschemas/", headers=plain,
                        data=json.dumps({**definition, "experiment": "LHCb"}))
    assert moved.status_code == 400
    assert moved.json["errors"][0]["field"] == ["experiment"]
    created = client.post("/jsonschemas/", headers=plain, data=json.dumps(definition))
    assert created.status_code == 201, created.json
    # Never the same version again, nor a type of their own.
    again = client.post("/jsonschemas/", headers=plain, data=json.dumps(definition))
    assert again.status_code == 409
    assert again.json["errors"] == [{"field": ["version"], "message": "Exists already."}]
    other = client.post("/jsonschemas/", headers=plain,
                        data=json.dumps({**definition, "name": "their-own"}))
    assert other.status_code == 403
    # The content builder's scope: that type only, no new types.
    assert service.design_scope(users.plain.identity) == {"any": False, "names": ["test-analysis"]}
    with pytest.raises(PermissionDeniedError):
        service.design_scope(users.cms.identity)


# Validation
# ==========


def test_validate_endpoint(client, users, test_schema, valid_document):
    cms = users.cms.headers
    documents = [valid_document, {"basic_info": {"cadi_id": 5}}]
    response = client.post(
        "/jsonschemas/test-analysis/1.0.0/validate", headers=cms, data=json.dumps(documents)
    )
    assert response.status_code == 200
    first, second = response.json
    assert first == {"valid": True, "errors": []}
    assert second["valid"] is False
    assert [e["field"] for e in second["errors"]] == [["basic_info", "cadi_id"], ["title"]]

    lenient = client.post(
        "/jsonschemas/test-analysis/1.0.0/validate?full=false",
        headers=cms,
        data=json.dumps(documents),
    )
    assert [e["field"] for e in lenient.json[1]["errors"]] == [["basic_info", "cadi_id"]]

    bad_kind = client.post(
        "/jsonschemas/test-analysis/1.0.0/validate?kind=other", headers=cms, data="[]"
    )
    assert bad_kind.status_code == 400
    assert bad_kind.json["errors"][0]["field"] == ["kind"]
    not_objects = client.post(
        "/jsonschemas/test-analysis/1.0.0/validate", headers=cms, data="[1, 2]"
    )
    assert not_objects.status_code == 400
    denied = client.post(
        "/jsonschemas/test-analysis/1.0.0/validate", headers=users.lhcb.headers, data="[]"
    )
    assert denied.status_code == 403


def test_tabs_and_conditional_fields_as_the_collaborations_write_them(
    db, client, users, definition
):
    """The layout the content builder writes (legacy CAP's questionnaire form):
    tabs in ``deposit_options``, a field shown by an answer in ``dependencies``;
    kept as sent, and documents validated by the branch their answer picks."""
    definition["deposit_schema"]["properties"]["ml"] = {
        "type": "object",
        "properties": {"use": {"type": "string", "enum": ["Yes", "No"]}},
        "dependencies": {"use": {"oneOf": [
            {"properties": {"use": {"enum": ["Yes"]}, "details": {"type": "string"}}},
            {"properties": {"use": {"enum": ["No"]}}},
        ]}},
    }
    definition["deposit_options"] = {
        "ui:object": "tabView",
        "ui:options": {"tabs": [{"id": "basics", "name": "basics", "title": "Basics",
                                 "content": ["title", "basic_info"]}]},
        "ui:order": ["title", "basic_info", "ml", "*"],
        "ml": {"ui:order": ["use", "details", "*"]},
    }
    created = client.post("/jsonschemas/", headers=users.superuser.headers,
                          data=json.dumps(definition))
    assert created.status_code == 201, created.json
    assert created.json["deposit_options"] == definition["deposit_options"]
    assert created.json["deposit_schema"]["properties"]["ml"] == (
        definition["deposit_schema"]["properties"]["ml"])

    base = {"title": "T", "basic_info": {"cadi_id": "EXO-19-001"}}
    documents = [
        {**base, "ml": {"use": "Yes", "details": "A boosted decision tree"}},
        {**base, "ml": {"use": "No"}},
        {**base, "ml": {"use": "Yes", "details": 5}},
        {**base, "ml": {"use": "Maybe"}},
    ]
    response = client.post("/jsonschemas/test-analysis/1.0.0/validate",
                           headers=users.cms.headers, data=json.dumps(documents))
    assert response.status_code == 200
    assert [r["valid"] for r in response.json] == [True, True, False, False]
    assert all(e["field"][0] == "ml" for r in response.json[2:] for e in r["errors"])


# Permissions
# ===========


def test_permissions_endpoints(client, users, test_schema):
    su = users.superuser.headers
    empty = client.get("/jsonschemas/test-analysis/permissions", headers=su)
    assert empty.status_code == 200
    assert empty.json["deposit"]["admin"] == {"users": [], "roles": []}
    assert set(empty.json["deposit"]) == {"read", "update", "admin", "review", "create"}
    assert set(empty.json["record"]) == {"read", "update", "admin", "review"}

    grants = [
        {"type": "user", "email": "PLAIN@test.org", "action": "deposit-schema-read"},
        {"type": "egroup", "name": "cms-conveners@cern.ch", "action": "deposit-schema-update"},
        {"type": "role", "name": "cms-conveners@cern.ch", "action": "record-schema-read"},
    ]
    added = client.post(
        "/jsonschemas/test-analysis/1.0.0/permissions", headers=su, data=json.dumps(grants)
    )
    assert added.status_code == 201, added.json
    assert added.json["deposit"]["read"] == {"users": ["plain@test.org"], "roles": []}
    assert added.json["deposit"]["update"]["roles"] == ["cms-conveners@cern.ch"]
    assert added.json["record"]["read"]["roles"] == ["cms-conveners@cern.ch"]
    # Granting twice changes nothing.
    again = client.post(
        "/jsonschemas/test-analysis/permissions", headers=su, data=json.dumps(grants)
    )
    assert again.json == added.json

    # The grant lets the plain user read the CMS schema.
    assert client.get("/jsonschemas/test-analysis", headers=users.plain.headers).status_code == 200

    removed = client.delete(
        "/jsonschemas/test-analysis/permissions", headers=su, data=json.dumps(grants[:1])
    )
    assert removed.status_code == 200
    assert removed.json["deposit"]["read"] == {"users": [], "roles": []}
    assert removed.json["deposit"]["update"]["roles"] == ["cms-conveners@cern.ch"]
    assert client.get("/jsonschemas/test-analysis", headers=users.plain.headers).status_code == 403


def test_bad_grants_are_400_naming_fields(client, users, test_schema):
    grants = [
        {"type": "user", "email": "nobody@test.org", "action": "deposit-schema-read"},
        {"type": "user", "email": "plain@test.org", "action": "deposit-read"},
        {"type": "group", "name": "x", "action": "deposit-schema-read"},
        {"type": "role", "action": "deposit-schema-read"},
        "nonsense",
    ]
    response = client.post(
        "/jsonschemas/test-analysis/permissions",
        headers=users.superuser.headers,
        data=json.dumps(grants),
    )
    assert response.status_code == 400
    assert [e["field"] for e in response.json["errors"]] == [
        ["0", "email"],
        ["1", "action"],
        ["2", "type"],
        ["3", "name"],
        ["4"],
    ]


def test_a_bad_json_schema_keyword_is_named_by_its_path(db, client, users, definition):
    """The content builder shows the error on the field: the path reaches the keyword."""
    cadi = definition["deposit_schema"]["properties"]["basic_info"]["properties"]["cadi_id"]
    cadi["pattern"] = "[A-Z"
    answer = client.post("/jsonschemas/", headers=users.superuser.headers,
                         data=json.dumps(definition))
    assert answer.status_code == 400, answer.json
    [error] = answer.json["errors"]
    assert error["field"] == ["deposit_schema", "properties", "basic_info", "properties",
                              "cadi_id", "pattern"]
    assert error["message"].startswith("Not a draft-07 JSON Schema: '[A-Z' is not a 'regex'")
