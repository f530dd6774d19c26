"""Bad or hostile input to /deposits answers a 4xx JSON error, never a 500."""

import csv
import io
import json

import pytest


@pytest.fixture
def api(env, client):
    """The test client of a module whose tests all need the deposit env."""
    return client


def h(user, **extra):
    return {**user.headers, **extra}


def create(api, user, body):
    """POST /deposits/ as ``user``."""
    return api.post("/deposits/", data=json.dumps(body), headers=h(user))


def test_csv_export_defuses_formulas(api, env, refresh):
    """OWASP CSV injection: a cell a spreadsheet would run as a formula is
    prefixed with a quote, so it is shown as text."""
    owner = env.users.owner
    titles = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)",
              "\tTAB", "\rCR", "plain - title"]
    for title in titles:
        assert create(api, owner, {"$ana_type": "generic", "title": title}).status_code == 201
    refresh()
    answer = api.get("/deposits/?size=20", headers=h(owner, Accept="text/csv"))
    assert answer.status_code == 200
    rows = list(csv.DictReader(io.StringIO(answer.data.decode(), newline="")))
    exported = sorted(row["title"] for row in rows)
    assert exported == sorted("'" + t if t[0] in "=+-@\t\r" else t for t in titles)


def deep(levels, leaf="x"):
    """JSON text of ``levels`` nested objects around ``leaf``."""
    return '{"a":' * levels + json.dumps(leaf) + "}" * levels


def assert_json_error(answer, status, field=None):
    assert answer.status_code == status, (answer.status_code, answer.data[:300])
    assert answer.json["status"] == status and answer.json["message"]
    if field is not None:
        assert [item["field"] for item in answer.json["errors"]] == [field], answer.json


@pytest.mark.parametrize("levels", [100, 990, 5000])
def test_deeply_nested_bodies_are_400(api, env, levels):
    owner = env.users.owner
    pid = create(api, owner, {"$ana_type": "generic"}).json["id"]
    nested = deep(levels)
    bodies = [
        ("post", "/deposits/", f'{{"$ana_type": "generic", "title": {nested}}}', {}),
        ("put", f"/deposits/{pid}", f'{{"title": {nested}}}', {}),
        ("patch", f"/deposits/{pid}",
         f'[{{"op": "add", "path": "/description", "value": {nested}}}]',
         {"Content-Type": "application/json-patch+json"}),
        ("post", f"/deposits/{pid}/actions/permissions", f"[{nested}]", {}),
        ("post", "/jsonschemas/generic/1.0.0/validate", f"[{nested}]", {}),
        ("post", "/services/latex", f'{{"paths": [{nested}]}}', {}),
    ]
    for method, url, body, extra in bodies:
        answer = getattr(api, method)(url, data=body, headers=h(owner, **extra))
        assert_json_error(answer, 400)
        assert "nested" in answer.json["message"], (url, answer.json)


@pytest.mark.parametrize("bad", ["a\u0000b", "lone \ud800 surrogate", "\udfff"])
def test_nul_and_lone_surrogates_are_400_naming_the_field(api, env, bad):
    owner = env.users.owner
    body = json.dumps({"$ana_type": "generic", "people": [{"name": bad}]})
    assert_json_error(api.post("/deposits/", data=body, headers=h(owner)), 400,
                      ["people", "0", "name"])
    pid = create(api, owner, {"$ana_type": "generic"}).json["id"]
    body = json.dumps({"title": "ok", "keywords": ["fine", bad]})
    assert_json_error(api.put(f"/deposits/{pid}", data=body, headers=h(owner)), 400,
                      ["keywords", "1"])
    patch = json.dumps([{"op": "add", "path": "/description", "value": bad}])
    answer = api.patch(f"/deposits/{pid}", data=patch,
                       headers=h(owner, **{"Content-Type": "application/json-patch+json"}))
    assert_json_error(answer, 400, ["0", "value"])
    # ... in a key too
    body = json.dumps({"title": "ok", bad: "x"})
    assert_json_error(api.put(f"/deposits/{pid}", data=body, headers=h(owner)), 400)
    answer = api.post("/services/latex", data=json.dumps({"paths": [bad]}), headers=h(owner))
    assert_json_error(answer, 400, ["paths", "0"])


@pytest.mark.parametrize("body, field", [
    ({"$ana_type": {"a": 1}}, ["$ana_type"]),
    ({"$ana_type": ["generic"]}, ["$ana_type"]),
    ({"$ana_type": 5}, ["$ana_type"]),
    ({"$schema": 5}, ["$schema"]),
    ({"$schema": {"a": 1}}, ["$schema"]),
])
def test_deposit_type_of_the_wrong_type_is_400(api, env, body, field):
    assert_json_error(create(api, env.users.owner, body), 400, field)


def test_patch_from_that_is_not_a_string_is_400(api, env):
    owner = env.users.owner
    pid = create(api, owner, {"$ana_type": "generic", "title": "t"}).json["id"]
    patch_headers = h(owner, **{"Content-Type": "application/json-patch+json"})
    for op in ({"op": "move", "from": 3, "path": "/title"},
               {"op": "copy", "from": ["title"], "path": "/description"},
               {"op": "add", "path": 5, "value": "x"}):
        answer = api.patch(f"/deposits/{pid}", data=json.dumps([op]), headers=patch_headers)
        assert_json_error(answer, 400)
        assert answer.json["errors"][0]["field"][0] == "0"


@pytest.mark.parametrize("query", ["sort=mostrecent&sort=oldest", "q=a&q=b",
                                   "page=1&page=2", "size=5&size=6", "by_me=1&by_me=0"])
def test_repeated_search_parameters_are_400(api, env, query):
    name = query.split("=")[0]
    for url in ("/deposits/", "/records/"):
        answer = api.get(f"{url}?{query}", headers=h(env.users.owner))
        assert_json_error(answer, 400, [name])


def test_repeated_facet_filters_still_mean_any_of(api, env, refresh):
    owner = env.users.owner
    create(api, owner, {"$ana_type": "generic"})
    refresh()
    answer = api.get("/deposits/?collection=generic&collection=cms-analysis",
                     headers=h(owner))
    assert answer.status_code == 200 and answer.json["hits"]["total"] == 1


@pytest.mark.parametrize("url", ["/deposits/%00", "/records/%00", "/jsonschemas/%00",
                                 "/jsonschemas/%00/1.0.0", "/deposits/a%00b/files",
                                 "/records/%00/revisions"])
def test_nul_in_a_url_is_404(api, env, url):
    assert_json_error(api.get(url, headers=h(env.users.owner)), 404)


def test_body_larger_than_the_limit_is_413(api, env, app):
    owner = env.users.owner
    limit = app.config["CAP_MAX_BODY_SIZE"]
    big = json.dumps({"$ana_type": "generic", "description": "x" * (limit + 1)})
    answer = api.post("/deposits/", data=big, headers=h(owner))
    assert_json_error(answer, 413)
    assert str(limit) in answer.json["message"]
    # Whatever the content type: the limit is on every body but file uploads.
    pid = create(api, owner, {"$ana_type": "generic"}).json["id"]
    answer = api.put(f"/deposits/{pid}", data=big,
                     headers=h(owner, **{"Content-Type": "text/plain"}))
    assert_json_error(answer, 413)
    # Half the limit, in strings under the per-string limit (CAP_SCHEMAS_STRING_MAX_LENGTH).
    string_limit = app.config["CAP_SCHEMAS_STRING_MAX_LENGTH"]
    fits = json.dumps({"$ana_type": "generic",
                       "keywords": [f"{n}" + "x" * (string_limit - 9)
                                    for n in range(limit // 2 // string_limit)]})
    assert api.post("/deposits/", data=fits, headers=h(owner)).status_code == 201


def test_patch_with_too_many_operations_is_413(api, env, app):
    owner = env.users.owner
    pid = create(api, owner, {"$ana_type": "generic", "keywords": []}).json["id"]
    limit = app.config["CAP_DEPOSIT_MAX_PATCH_OPERATIONS"]
    ops = [{"op": "add", "path": "/keywords/-", "value": f"k{n}"} for n in range(limit + 1)]
    patch_headers = h(owner, **{"Content-Type": "application/json-patch+json"})
    answer = api.patch(f"/deposits/{pid}", data=json.dumps(ops), headers=patch_headers)
    assert_json_error(answer, 413)
    assert str(limit) in answer.json["message"]
    answer = api.patch(f"/deposits/{pid}", data=json.dumps(ops[:limit]), headers=patch_headers)
    assert answer.status_code == 200
