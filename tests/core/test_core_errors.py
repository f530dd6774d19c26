"""The one error item shape: ``field`` is a list of string path parts everywhere.

cap-client 1.4 prints ``'.'.join(err['field'])``: a string would come out
letter by letter, an integer part would crash the client, so every 4xx answer
names its field as ``["basic_info", "people_info", "0", "orcid"]``.
"""

import json

from cap.modules.core.errors import field_error, field_label, field_path


def test_field_path_parts():
    assert field_path("basic_info.cadi_id") == ["basic_info", "cadi_id"]
    assert field_path(("people", 0, "orcid")) == ["people", "0", "orcid"]
    assert field_path(["data.root"]) == ["data.root"]  # a part may hold a dot
    assert field_path("q") == ["q"]
    assert field_path("") == [] and field_path(None) == []
    assert field_label(["basic_info", 2, "name"]) == "basic_info.2.name"
    assert field_error(("a", 1), "Bad.") == {"field": ["a", "1"], "message": "Bad."}


def headers(user, **extra):
    return {**user.headers, **extra}


def items(answer, status):
    """The answer's error items, after checking the status and the item shape."""
    assert answer.status_code == status, answer.json
    body = answer.json
    assert body["status"] == status
    for item in body["errors"]:
        assert set(item) == {"field", "message"}
        assert isinstance(item["field"], list)
        assert all(isinstance(part, str) for part in item["field"])
        assert "." not in "".join(item["field"]) or len(item["field"]) == 1
    return body["errors"]


def fields(answer, status):
    return [item["field"] for item in items(answer, status)]


def test_every_answer_names_its_field_as_parts(client, env):
    owner = env.users.owner
    created = client.post(
        "/deposits/",
        data=json.dumps({"$ana_type": "cms-analysis",
                         "basic_info": {"analysis_title": "Work in progress"}}),
        headers=headers(owner),
    )
    assert created.status_code == 201
    pid = created.json["id"]
    url = f"/deposits/{pid}"

    # Validation (400): an array index is a part of its own.
    bad = {"basic_info": {"analysis_title": "x",
                          "people_info": [{"name": "Ada", "orcid": "not-an-orcid"}]}}
    answer = client.put(url, data=json.dumps(bad), headers=headers(owner))
    assert fields(answer, 400) == [["basic_info", "people_info", "0", "orcid"]]

    # Publish validation (422): the missing property is the last part.
    answer = client.post(f"{url}/actions/publish", headers=headers(owner))
    assert ["basic_info", "cadi_id"] in fields(answer, 422)

    # Field protection (403): cadi_info is for CMS conveners only.
    answer = client.put(url, data=json.dumps({"cadi_info": {"status": "PUB"}}),
                        headers=headers(owner))
    assert fields(answer, 403) == [["cadi_info"]]
    assert "cadi_info" in answer.json["message"]

    # JSON patch (400): the operation's index, then its member.
    answer = client.patch(
        url, data=json.dumps([{"op": "add", "path": "/_access", "value": {}}]),
        headers=headers(owner, **{"Content-Type": "application/json-patch+json"}),
    )
    assert fields(answer, 400) == [["0", "path"]]
    # ... and one that does not apply names the field it targets.
    answer = client.patch(
        url, data=json.dumps([{"op": "add", "path": "/basic_info/abstract", "value": "x"},
                              {"op": "replace", "path": "/cadi_info/status", "value": "x"}]),
        headers=headers(owner, **{"Content-Type": "application/json-patch+json"}),
    )
    assert fields(answer, 400) == [["cadi_info", "status"]]

    # Sharing (400): the change's index, then its member.
    answer = client.post(
        f"{url}/actions/permissions",
        data=json.dumps([{"email": owner.email, "type": "robot", "op": "add",
                          "action": "deposit-read"}]),
        headers=headers(owner),
    )
    assert fields(answer, 400) == [["0", "type"]]

    # Query parameters (400): the parameter's name.
    answer = client.get("/deposits/?sort=colour", headers=headers(owner))
    assert fields(answer, 400) == [["sort"]]
    answer = client.get("/deposits/?size=many", headers=headers(owner))
    assert fields(answer, 400) == [["size"]]
