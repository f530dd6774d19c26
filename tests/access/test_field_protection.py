"""Field-level protection: cms-analysis reserves ``cadi_info`` to the CMS conveners.

Others may write the rest of the draft and send ``cadi_info`` back
unchanged; changing it (create, PUT, PATCH, removal) answers 403 naming the
field, and the form schema shows it ``readOnly`` to them only.
"""

import json
from types import SimpleNamespace

import pytest
from invenio_access.permissions import system_identity

from cap.modules.access.fields import (
    FieldProtectedError,
    check_changes,
    locked_fields,
    may_change_field,
    read_only_schema,
    value_at,
)

CADI = {"name": "Search for dark matter", "status": "PUB"}


@pytest.fixture(scope="module")
def convener(create_user, users):
    """A CMS member who is also a CMS convener."""
    return create_user("convener@cern.ch", roles=["cms-members@cern.ch", "cms-conveners@cern.ch"])


@pytest.fixture
def api(env, client):
    """The test client (the env fixture sets up schemas, users, location)."""
    return client


def h(user, **extra):
    return {**user.headers, **extra}


def draft(api, user, **metadata):
    answer = api.post("/deposits/", data=json.dumps({"$ana_type": "cms-analysis", **metadata}),
                      headers=h(user))
    assert answer.status_code == 201, answer.json
    return answer.json["id"]


def assert_protected(answer):
    assert answer.status_code == 403, answer.json
    assert answer.json["status"] == 403
    assert [e["field"] for e in answer.json["errors"]] == [["cadi_info"]]
    assert "cadi_info" in answer.json["message"]


def test_create_with_protected_field(api, env, convener):
    u = env.users
    assert_protected(api.post("/deposits/", headers=h(u.owner), data=json.dumps(
        {"$ana_type": "cms-analysis", "cadi_info": CADI})))
    pid = draft(api, convener, cadi_info=CADI)
    assert env.service.read(convener.identity, pid)["cadi_info"] == CADI
    # Fields nobody reserved are free for everyone.
    pid = draft(api, u.owner, basic_info={"analysis_title": "Mine"})
    assert env.service.read(u.owner.identity, pid)["basic_info"]["analysis_title"] == "Mine"


def test_update_and_patch(api, env, convener):
    u = env.users
    pid = draft(api, convener, cadi_info=CADI, basic_info={"analysis_title": "T"})
    env.service.update_permissions(convener.identity, pid, [
        {"email": u.owner.email, "type": "user", "op": "add", "action": "deposit-update"}])
    url = f"/deposits/{pid}"
    # Unchanged protected value: the rest of the draft can change.
    same = {"cadi_info": dict(CADI), "basic_info": {"analysis_title": "T2"}}
    assert api.put(url, data=json.dumps(same), headers=h(u.owner)).status_code == 200
    changed = {"cadi_info": {**CADI, "status": "FREE"}, "basic_info": {"analysis_title": "T3"}}
    assert_protected(api.put(url, data=json.dumps(changed), headers=h(u.owner)))
    assert_protected(api.put(url, data=json.dumps({"basic_info": {}}), headers=h(u.owner)))
    patch_headers = h(u.owner, **{"Content-Type": "application/json-patch+json"})
    assert_protected(api.patch(url, headers=patch_headers, data=json.dumps(
        [{"op": "replace", "path": "/cadi_info/status", "value": "X"}])))
    assert_protected(api.patch(url, headers=patch_headers, data=json.dumps(
        [{"op": "remove", "path": "/cadi_info"}])))
    ok = api.patch(url, headers=patch_headers, data=json.dumps(
        [{"op": "replace", "path": "/basic_info/analysis_title", "value": "T4"}]))
    assert ok.status_code == 200
    stored = env.service.read(u.owner.identity, pid)
    assert stored["cadi_info"] == CADI and stored["basic_info"]["analysis_title"] == "T4"
    # The listed role, superusers and the system identity may change it.
    for who in (convener, u.admin):
        new = {**CADI, "status": f"by {who.email}"}
        answer = api.put(url, headers=h(who), data=json.dumps(
            {"cadi_info": new, "basic_info": {"analysis_title": "T4"}}))
        assert answer.status_code == 200 and answer.json["metadata"]["cadi_info"] == new
    deposit = env.service.update(system_identity, pid, {"cadi_info": CADI})
    assert deposit["cadi_info"] == CADI


def test_form_marks_read_only(api, env, convener):
    u = env.users
    pid = draft(api, convener, cadi_info=CADI)
    env.service.update_permissions(convener.identity, pid, [
        {"email": u.owner.email, "type": "user", "op": "add", "action": "deposit-update"}])
    form = {"Accept": "application/form+json"}
    owner_view = api.get(f"/deposits/{pid}", headers=h(u.owner, **form)).json
    properties = owner_view["schemas"]["schema"]["properties"]
    assert properties["cadi_info"]["readOnly"] is True
    assert properties["cadi_info"]["properties"]["status"]["type"] == "string"
    assert [name for name, p in properties.items() if p.get("readOnly")] == ["cadi_info"]
    for who in (convener, u.admin):
        schema = api.get(f"/deposits/{pid}", headers=h(who, **form)).json["schemas"]["schema"]
        assert not any(p.get("readOnly") for p in schema["properties"].values())
    # The stored schema itself is never marked.
    assert "readOnly" not in env.schemas["cms-analysis"].deposit_schema["properties"]["cadi_info"]


def test_decision_rules(env, convener):
    u = env.users
    schema = SimpleNamespace(config={"field_permissions": {
        "a.b": {"update": {"users": [u.colleague.email.upper()], "roles": ["r@cern.ch"]}},
        "people.name": {"update": {"users": [u.owner.id], "roles": []}},
    }})
    assert may_change_field(u.colleague.identity, schema, "a.b")
    assert not may_change_field(u.atlas.identity, schema, "a.b")
    assert may_change_field(u.atlas.identity, schema, "other")
    assert may_change_field(u.admin.identity, schema, "a.b")
    assert locked_fields(u.owner.identity, schema) == ["a.b"]
    assert locked_fields(u.atlas.identity, schema) == ["a.b", "people.name"]
    people = {"people": [{"name": "x", "age": 1}]}
    assert value_at(people, "people.name") == ["x"]
    check_changes(u.atlas.identity, schema, people,
                  {"people": [{"name": "x", "age": 2}]})
    with pytest.raises(FieldProtectedError) as error:
        check_changes(u.atlas.identity, schema, people,
                      {"people": [{"name": "y"}], "a": {"b": 1}})
    assert [e["field"] for e in error.value.errors] == [["a", "b"], ["people", "name"]]
    json_schema = {"type": "object", "properties": {
        "a": {"type": "object", "properties": {"b": {"type": "string"}}},
        "people": {"type": "array", "items": {"type": "object", "properties": {
            "name": {"type": "string"}, "age": {"type": "integer"}}}},
    }}
    marked = read_only_schema(u.atlas.identity, schema, json_schema)
    assert marked["properties"]["a"]["properties"]["b"]["readOnly"] is True
    assert marked["properties"]["people"]["items"]["properties"]["name"]["readOnly"] is True
    assert "readOnly" not in marked["properties"]["people"]["items"]["properties"]["age"]
    assert "readOnly" not in json_schema["properties"]["a"]["properties"]["b"]
    assert read_only_schema(u.admin.identity, schema, json_schema) is json_schema
