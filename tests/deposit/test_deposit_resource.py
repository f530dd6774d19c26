"""HTTP: status codes and shapes of /deposits, as cap-client speaks it."""

import json

import pytest


@pytest.fixture
def api(env, client):
    """The test client, with the users' headers at hand."""
    return client


def h(user, **extra):
    headers = dict(user.headers)
    headers.update(extra)
    return headers


def create(api, user, body):
    return api.post("/deposits/", data=json.dumps(body), headers=h(user))


def test_create_then_put_like_cap_client(api, env, complete):
    u = env.users
    answer = create(api, u.owner, {"$ana_type": "generic"})
    assert answer.status_code == 201
    body = answer.json
    pid = body["id"]
    assert body["type"] == "deposit" and body["status"] == "draft"
    assert body["schema"] == {"name": "generic", "version": "2.0.0",
                              "fullname": "Generic analysis"}
    assert body["metadata"] == {}
    assert body["created_by"]["email"] == u.owner.email
    assert body["is_owner"] is True
    assert body["access"]["deposit-admin"]["users"][0]["email"] == u.owner.email
    assert body["experiment"] is None and body["recid"] is None
    assert set(body["links"]) == {"self", "html", "files", "bucket", "publish", "edit",
                                  "discard", "clone", "permissions", "upload"}
    bucket_id = env.service.read(u.owner.identity, pid)["_bucket"]
    assert body["links"]["bucket"].endswith(f"/files/{bucket_id}")
    assert answer.headers["ETag"] == f'W/"{body["revision"]}"'

    answer = api.put(f"/deposits/{pid}", data=json.dumps(complete),
                     headers=h(u.owner, Accept="application/basic+json"))
    assert answer.status_code == 200
    assert set(answer.json) == {"pid", "recid", "metadata", "created", "updated"}
    assert answer.json["metadata"] == complete
    assert answer.json["pid"] == pid


def test_read_formats(api, env):
    u = env.users
    pid = create(api, u.owner, {"$ana_type": "cms-analysis",
                                "basic_info": {"analysis_title": "T"}}).json["id"]
    answer = api.get(f"/deposits/{pid}", headers=h(u.owner))
    assert answer.status_code == 200 and answer.json["experiment"] == "CMS"
    assert answer.headers["ETag"] == f'W/"{answer.json["revision"]}"'
    perms = api.get(f"/deposits/{pid}", headers=h(u.owner, Accept="application/permissions+json"))
    assert perms.json == {"permissions": {
        level: {"users": [u.owner.email], "roles": []} for level in ("admin", "read", "update")
    }}
    form = api.get(f"/deposits/{pid}", headers=h(u.owner, Accept="application/form+json"))
    assert form.status_code == 200
    assert form.json["can_update"] and form.json["can_admin"]
    assert form.json["can_review"] is False
    assert form.json["schemas"]["schema"]["properties"]["basic_info"]
    assert api.get(f"/deposits/{pid}", headers=h(u.owner, Accept="text/html")).status_code == 406
    files = api.get(f"/deposits/{pid}/files", headers=h(u.owner))
    assert files.status_code == 200 and files.json == []


def test_errors(api, env):
    u = env.users
    bad = api.post("/deposits/", data="{not json", headers=h(u.owner))
    assert bad.status_code == 400
    assert bad.json["status"] == 400 and "Malformed JSON" in bad.json["message"]
    unknown = create(api, u.owner, {"$ana_type": "nope"})
    assert unknown.status_code == 400
    assert unknown.json["errors"][0]["field"] == ["$ana_type"]
    assert create(api, u.owner, {"$ana_type": "generic", "title": 1}).status_code == 400
    assert api.get("/deposits/" + "0" * 32, headers=h(u.owner)).status_code == 404
    anonymous = api.get("/deposits/" + "0" * 32)
    assert anonymous.status_code in (401, 404)
    assert api.post("/deposits/", data=json.dumps({"$ana_type": "generic"}),
                    headers={"Content-Type": "application/json"}).status_code == 401
    assert api.get("/deposits/").status_code == 401
    forbidden = create(api, u.atlas, {"$ana_type": "cms-analysis"})
    assert forbidden.status_code == 403


def test_hidden_from_others(api, env):
    u = env.users
    pid = create(api, u.owner, {"$ana_type": "generic"}).json["id"]
    assert api.get(f"/deposits/{pid}", headers=h(u.colleague)).status_code == 404
    assert api.get(f"/deposits/{pid}").status_code == 401
    assert api.delete(f"/deposits/{pid}", headers=h(u.colleague)).status_code == 404


def test_if_match_and_patch(api, env):
    u = env.users
    first = create(api, u.owner, {"$ana_type": "generic", "keywords": ["a"]})
    pid, etag = first.json["id"], first.headers["ETag"]
    ok = api.put(f"/deposits/{pid}", data=json.dumps({"title": "x"}),
                 headers=h(u.owner, **{"If-Match": etag}))
    assert ok.status_code == 200
    stale = api.put(f"/deposits/{pid}", data=json.dumps({"title": "y"}),
                    headers=h(u.owner, **{"If-Match": etag}))
    assert stale.status_code == 412 and stale.json["status"] == 412
    patch_headers = h(u.owner, **{"Content-Type": "application/json-patch+json"})
    patched = api.patch(f"/deposits/{pid}", headers=patch_headers,
                        data=json.dumps([{"op": "replace", "path": "/title", "value": "z"}]))
    assert patched.status_code == 200 and patched.json["metadata"]["title"] == "z"
    stale = api.patch(f"/deposits/{pid}", headers={**patch_headers, "If-Match": etag},
                      data=json.dumps([{"op": "remove", "path": "/title"}]))
    assert stale.status_code == 412
    for bad in ([{"op": "remove", "path": "/missing"}],
                [{"op": "add", "path": "/_access", "value": {}}], "[oops"):
        data = bad if isinstance(bad, str) else json.dumps(bad)
        assert api.patch(f"/deposits/{pid}", headers=patch_headers,
                         data=data).status_code == 400


def test_actions(api, env, complete):
    u = env.users
    pid = create(api, u.owner, {"$ana_type": "generic", "keywords": ["k"]}).json["id"]
    url = f"/deposits/{pid}/actions"
    assert api.post(f"{url}/explode", headers=h(u.owner)).status_code == 400
    assert api.post(f"{url}/upload", headers=h(u.owner)).status_code == 400

    invalid = api.post(f"{url}/publish", headers=h(u.owner))
    assert invalid.status_code == 422
    fields = {".".join(e["field"]) for e in invalid.json["errors"]}
    assert fields >= {"title", "description", "people"}

    api.put(f"/deposits/{pid}", data=json.dumps(complete), headers=h(u.owner))
    published = api.post(f"{url}/publish", headers=h(u.owner))
    assert published.status_code == 202
    recid = published.json["recid"]
    assert published.json["status"] == "published" and recid.startswith("CAP.")
    assert api.delete(f"/deposits/{pid}", headers=h(u.owner)).status_code == 409

    assert api.post(f"{url}/edit", headers=h(u.owner)).status_code == 201
    assert api.post(f"{url}/discard", headers=h(u.owner)).status_code == 201
    clone = api.post(f"{url}/clone", headers=h(u.owner))
    assert clone.status_code == 201
    assert clone.json["cloned_from"]["id"] == pid and clone.json["id"] != pid

    share = api.post(f"{url}/permissions", headers=h(u.owner), data=json.dumps(
        [{"email": u.colleague.email, "type": "user", "op": "add", "action": "deposit-read"}]))
    assert share.status_code == 201
    assert api.get(f"/deposits/{pid}", headers=h(u.colleague)).status_code == 200
    assert api.post(f"{url}/publish", headers=h(u.colleague)).status_code == 403
    unknown = api.post(f"{url}/permissions", headers=h(u.owner), data=json.dumps(
        [{"email": "ghost@cern.ch", "type": "user", "op": "add", "action": "deposit-read"}]))
    assert unknown.status_code == 400 and "ghost@cern.ch" in unknown.json["errors"][0]["message"]

    record = api.get(f"/records/{recid}", headers=h(u.colleague))
    assert record.status_code == 200 and record.json["type"] == "record"


def test_delete(api, env):
    u = env.users
    pid = create(api, u.owner, {"$ana_type": "generic"}).json["id"]
    assert api.delete(f"/deposits/{pid}", headers=h(u.owner)).status_code == 204
    assert api.get(f"/deposits/{pid}", headers=h(u.owner)).status_code == 410


def test_search(api, env, refresh):
    u = env.users
    for title, user in (("alpha beta", u.owner), ("alpha gamma", u.owner),
                        ("alpha delta", u.colleague)):
        create(api, user, {"$ana_type": "generic", "title": title, "keywords": ["k1"]})
    create(api, u.owner, {"$ana_type": "cms-analysis",
                          "basic_info": {"analysis_title": "alpha cms"}})
    refresh()
    answer = api.get("/deposits/?q=alpha", headers=h(u.owner))
    assert answer.status_code == 200
    assert answer.json["hits"]["total"] == 3
    aggs = answer.json["aggregations"]
    assert {b["key"]: b["doc_count"] for b in aggs["collection"]["buckets"]} == {
        "generic": 2, "cms-analysis": 1}
    assert api.get("/deposits/", query_string={"q": "alpha AND beta"},
                   headers=h(u.owner)).json["hits"]["total"] == 1
    assert api.get("/deposits/", query_string={"q": "alpha gamma"},
                   headers=h(u.owner)).json["hits"]["total"] == 1
    assert api.get("/deposits/?collection=cms-analysis",
                   headers=h(u.owner)).json["hits"]["total"] == 1
    assert api.get("/deposits/?keywords=k1", headers=h(u.owner)).json["hits"]["total"] == 2
    mine = api.get("/deposits/?by_me=True", headers=h(u.colleague))
    assert mine.json["hits"]["total"] == 1
    assert mine.json["aggregations"]["collection"]["buckets"] == [
        {"key": "generic", "doc_count": 1, "label": "Generic analysis"}]
    page = api.get("/deposits/?size=2&page=2&sort=mostrecent", headers=h(u.owner))
    assert len(page.json["hits"]["hits"]) == 1 and "prev" in page.json["links"]
    basic = api.get("/deposits/?by_me=True&q=beta",
                    headers=h(u.owner, Accept="application/basic+json"))
    assert basic.json["hits"]["hits"][0]["metadata"]["title"] == "alpha beta"
    # Search hits carry the user's metadata only, as reads do (cap-client).
    assert set(basic.json["hits"]["hits"][0]["metadata"]) <= {"title", "keywords"}
    assert basic.json["hits"]["hits"][0]["updated"]
    csv = api.get("/deposits/", headers=h(u.owner, Accept="text/csv"))
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert csv.data.decode().splitlines()[0].startswith("id,recid,type")
    assert len(csv.data.decode().splitlines()) == 4
    assert api.get("/deposits/", headers=h(u.admin)).json["hits"]["total"] == 4
    for bad in ("q=title:(unclosed", "size=101", "size=0", "page=x", "sort=nope"):
        answer = api.get(f"/deposits/?{bad}", headers=h(u.owner))
        assert answer.status_code == 400, (bad, answer.json)
        assert answer.json["errors"]


def test_pattern_errors_save_and_come_back_when_lenient(api, env):
    # The editor asks for types only: a half-typed ORCID is saved, and named.
    u = env.users
    pid = create(api, u.owner, {"$ana_type": "generic"}).json["id"]
    body = {"description": "kept", "people": [{"name": "A", "orcid": "0000-12"}]}
    strict = api.put(f"/deposits/{pid}", data=json.dumps(body), headers=h(u.owner))
    assert strict.status_code == 400  # cap-client's rule: the whole document or nothing
    assert strict.json["errors"][0]["field"] == ["people", "0", "orcid"]
    answer = api.put(f"/deposits/{pid}", data=json.dumps(body),
                     headers=h(u.owner, Prefer="return=representation, handling=lenient"))
    assert answer.status_code == 200
    assert answer.json["metadata"] == body
    assert [e["field"] for e in answer.json["errors"]] == [["people", "0", "orcid"]]
    assert answer.json["not_saved"] == []
    assert "errors" not in api.get(f"/deposits/{pid}", headers=h(u.owner)).json


def test_lenient_save_keeps_everything_but_the_refused_values(api, env):
    u = env.users
    first = create(api, u.owner, {"$ana_type": "generic", "title": "saved title"})
    pid = first.json["id"]
    body = {"title": 42, "description": "typed after", "keywords": ["a", 7, "b"], "colour": "x"}
    strict = api.put(f"/deposits/{pid}", data=json.dumps(body), headers=h(u.owner))
    assert strict.status_code == 400  # clients that do not ask keep the whole-document rule
    lenient = api.put(f"/deposits/{pid}", data=json.dumps(body),
                      headers=h(u.owner, Prefer="handling=lenient"))
    assert lenient.status_code == 200
    assert lenient.headers["Preference-Applied"] == "handling=lenient"
    assert lenient.json["metadata"] == {
        "title": "saved title", "description": "typed after", "keywords": ["a", "b"]}
    assert [e["field"] for e in lenient.json["not_saved"]] == [
        ["colour"], ["keywords", "1"], ["title"]]
    stored = api.get(f"/deposits/{pid}", headers=h(u.owner)).json
    assert stored["metadata"] == lenient.json["metadata"]
    assert stored["revision"] == lenient.json["revision"]
    made = api.post("/deposits/", data=json.dumps({"$ana_type": "generic", "title": 1,
                                                   "description": "d"}),
                    headers=h(u.owner, Prefer="handling=lenient"))
    assert made.status_code == 201 and made.json["metadata"] == {"description": "d"}
    assert made.json["not_saved"][0]["field"] == ["title"]


def test_cadi_ids_are_upper_cased_as_the_schema_says(api, env):
    u = env.users
    made = create(api, u.owner, {"$ana_type": "cms-analysis",
                                 "basic_info": {"cadi_id": "hig-21-904", "abstract": "as typed"}})
    assert made.status_code == 201, made.json
    assert made.json["metadata"]["basic_info"] == {"cadi_id": "HIG-21-904", "abstract": "as typed"}


def _patterns(node):
    """Every ``pattern`` of a JSON Schema, as written and as JSON escapes it."""
    if isinstance(node, dict):
        if isinstance(node.get("pattern"), str):
            yield node["pattern"]
            yield json.dumps(node["pattern"])[1:-1]
        for value in node.values():
            yield from _patterns(value)
    elif isinstance(node, list):
        for value in node:
            yield from _patterns(value)


def test_field_errors_speak_in_the_schema_words_never_a_regex(api, env):
    """A refused save (400) and a refused publish (422) name each field by its
    path and say what is wrong in the schema's words: its own message, or the
    field's title and description, never the pattern."""
    from cap.modules.schemas.api import get_schema

    u = env.users
    deposit_schema = get_schema("cms-analysis").deposit_schema
    basic_info = deposit_schema["properties"]["basic_info"]["properties"]
    pid = create(api, u.owner, {"$ana_type": "cms-analysis",
                                "basic_info": {"analysis_title": "T"}}).json["id"]
    bad = {"basic_info": {"analysis_title": "T", "cadi_id": "abc",
                          "people_info": [{"name": "Ada", "orcid": "0000"}]}}
    refused = api.put(f"/deposits/{pid}", data=json.dumps(bad), headers=h(u.owner))
    assert refused.status_code == 400
    messages = {".".join(e["field"]): e["message"] for e in refused.json["errors"]}
    assert messages == {
        "basic_info.cadi_id": basic_info["cadi_id"]["x-cap-error"],
        "basic_info.people_info.0.orcid":
            "ORCID iD is not in the expected form: e.g. 0000-0002-1825-0097",
    }
    text = refused.get_data(as_text=True)
    assert not [pattern for pattern in set(_patterns(deposit_schema)) if pattern in text]
    assert "does not match" not in text

    unpublishable = api.post(f"/deposits/{pid}/actions/publish", headers=h(u.owner))
    assert unpublishable.status_code == 422
    errors = unpublishable.json["errors"]
    assert {"field": ["basic_info", "cadi_id"], "message": "CADI ID is required"} in errors
    text = unpublishable.get_data(as_text=True)
    assert "is a required property" not in text
    assert not [pattern for pattern in set(_patterns(deposit_schema)) if pattern in text]
