"""Legacy CAP definition files, accepted as they are (issue 14).

The definitions under ``data/legacy`` are our own, written in the legacy
format: one JSON object per schema version with a whole index body as
mapping (ES 6 document type, ``_all``, ``string``, ``not_analyzed``,
``include_in_all``), ``allow_all``, a ``$ref`` to another schema by its
URL and the legacy custom keywords.
"""

import copy
import json
from pathlib import Path

import pytest
from invenio_search import current_search_client

from cap.modules.schemas import api
from cap.modules.schemas.cli import schemas as schemas_cli
from cap.modules.schemas.errors import InvalidSchemaError
from cap.modules.schemas.mappings import MappingError, normalize_mapping

DATA = Path(__file__).parent / "data" / "legacy"
CADI_URL = (
    "https://analysispreservation.cern.ch/schemas/deposits/records/legacy-cadi-info-v0.0.1.json"
)


def legacy(name):
    """A fresh copy of one of our legacy-format definitions."""
    return json.loads((DATA / f"{name}.json").read_text())


def post(client, user, body):
    return client.post("/jsonschemas/", headers=user.headers, data=json.dumps(body))


def _index_mapping(schema, kind="deposit"):
    index = dict(zip(api.KINDS, api.index_names(schema), strict=True))[kind]
    return next(iter(current_search_client.indices.get_mapping(index=index).values()))[
        "mappings"
    ]


@pytest.fixture()
def loaded(db, users):
    """Both legacy definitions stored through the service, as a superuser would POST them."""
    from cap.modules.schemas.proxies import current_schemas_service as service

    for name in ("legacy-cadi-info", "legacy-analysis"):
        service.create(users.superuser.identity, legacy(name))
    return api.get_schema("legacy-analysis")


# POST /jsonschemas/
# ==================


def test_post_legacy_files_as_they_are(client, db, users):
    su = users.superuser
    cadi = post(client, su, legacy("legacy-cadi-info"))
    assert cadi.status_code == 201, cadi.json
    assert cadi.json["allow_all"] is True and cadi.json["fullname"] == ""

    created = post(client, su, legacy("legacy-analysis"))
    assert created.status_code == 201, created.json
    # Stored as given: the mapping comes back as the index body it was.
    assert created.json["deposit_mapping"] == legacy("legacy-analysis")["deposit_mapping"]
    assert created.json["config"] == {}

    schema = api.get_schema("legacy-analysis", "0.0.1")
    mapping = _index_mapping(schema)
    title = mapping["properties"]["general_title"]
    assert title["type"] == "text" and title["analyzer"] == "lowercase_whitespace_analyzer"
    assert title["fields"]["raw"] == {"type": "keyword", "ignore_above": 8191}
    assert mapping["properties"]["basic_info"]["properties"]["cadi_id"]["type"] == "keyword"
    assert "_all" not in mapping
    # The part $ref'd from legacy-cadi-info gets that schema's mapping.
    cadi_info = mapping["properties"]["cadi_info"]["properties"]
    assert cadi_info["status"] == {"type": "keyword", "ignore_above": 8191}
    # System fields are still ours.
    assert mapping["properties"]["_deposit"]["properties"]["id"]["type"] == "keyword"
    # Every keyword, ours included, has ignore_above.
    assert mapping["properties"]["_experiment"]["ignore_above"] == 8191


def test_unknown_ref_is_refused_naming_it(client, db, users):
    response = post(client, users.superuser, legacy("legacy-analysis"))
    assert response.status_code == 400
    assert response.json["errors"] == [
        {
            "field": ["deposit_schema", "properties", "cadi_info", "$ref"],
            "message": "Unknown schema legacy-cadi-info v0.0.1.",
        }
    ]
    assert "legacy-cadi-info" not in json.dumps(client.get(
        "/jsonschemas/", headers=users.superuser.headers
    ).json)


def test_ref_to_a_foreign_url_is_refused(client, db, users):
    definition = legacy("legacy-cadi-info")
    definition["deposit_schema"]["properties"]["status"] = {
        "$ref": "https://example.org/other.json"
    }
    response = post(client, users.superuser, definition)
    assert response.status_code == 400
    assert response.json["errors"][0]["field"] == [
        "deposit_schema", "properties", "status", "$ref"
    ]


@pytest.mark.parametrize(
    "mapping, field",
    [
        (
            {"mappings": {"legacy": {"_ttl": {"enabled": True}, "properties": {}}}},
            ["deposit_mapping", "mappings", "legacy", "_ttl"],
        ),
        (
            {"mappings": {"one": {"properties": {}}, "two": {"properties": {}}}},
            ["deposit_mapping", "mappings", "one"],
        ),
        (
            {"properties": {"cadi_id": {"type": "keyword", "analyzer": "standard"}}},
            ["deposit_mapping", "properties", "cadi_id", "analyzer"],
        ),
    ],
)
def test_es_isms_without_equivalent_are_refused_naming_the_key(
    client, db, users, mapping, field
):
    definition = legacy("legacy-cadi-info")
    definition["deposit_mapping"] = mapping
    response = post(client, users.superuser, definition)
    assert response.status_code == 400
    assert [error["field"] for error in response.json["errors"]] == [field]


def test_a_mapping_the_engine_refuses_is_a_400(client, db, users):
    definition = legacy("legacy-cadi-info")
    definition["is_indexed"] = True
    definition["deposit_mapping"]["mappings"]["properties"]["status"] = {"type": "no-such"}
    response = post(client, users.superuser, definition)
    assert response.status_code == 400
    assert response.json["errors"][0]["field"] == ["deposit_mapping"]


def test_normalize_converts_old_spellings():
    mapping, settings = normalize_mapping(
        {
            "settings": {"index": {"number_of_shards": 5, "analysis": {"tokenizer": {
                "grams": {"type": "edgeNGram", "min_gram": 1, "max_gram": 3}}}}},
            "mappings": {"doc": {"properties": {
                "a": {"type": "string", "index": "not_analyzed", "include_in_all": False},
                "b": {"type": "string", "index": "no"},
                "c": {"type": "text", "index_analyzer": "standard"},
            }}},
        }
    )
    assert mapping == {"properties": {
        "a": {"type": "keyword"},
        "b": {"type": "text", "index": False},
        "c": {"type": "text", "analyzer": "standard"},
    }}
    # Shards are the configuration's; old component names renamed.
    assert settings == {"analysis": {"tokenizer": {
        "grams": {"type": "edge_ngram", "min_gram": 1, "max_gram": 3}}}}
    with pytest.raises(MappingError) as refused:
        normalize_mapping({"properties": {"x": {"type": "string", "_parent": {}}}})
    assert refused.value.path == ["properties", "x", "_parent"]


# cap schemas load PATH...
# ========================


def run(cli_runner, *args):
    return cli_runner(schemas_cli, None, *[str(arg) for arg in args])


def test_cli_loads_files_in_dependency_order(db, cli_runner):
    # The referring file first: the loader stores the referred one before it.
    result = run(cli_runner, "load", DATA / "legacy-analysis.json", DATA / "legacy-cadi-info.json")
    assert result.exit_code == 0, result.output
    lines = [line.strip() for line in result.output.splitlines()]
    assert lines.index("legacy-cadi-info v0.0.1: created") < lines.index(
        "legacy-analysis v0.0.1: created (+2 indexes)"
    )
    assert api.get_schema("legacy-cadi-info").allow_all is True

    again = run(cli_runner, "load", DATA)
    assert again.exit_code == 0, again.output
    assert "legacy-analysis v0.0.1: unchanged" in again.output


def test_cli_refuses_a_file_whose_ref_is_not_loaded(db, cli_runner):
    result = run(cli_runner, "load", DATA / "legacy-analysis.json")
    assert result.exit_code == 1
    assert "deposit_schema.properties.cadi_info.$ref: Unknown schema legacy-cadi-info" in (
        result.output
    )
    with pytest.raises(Exception):  # noqa: B017 (nothing stored)
        api.get_schema("legacy-analysis")


def test_cycles_load_in_one_call(db, tmp_path):
    first, second = legacy("legacy-cadi-info"), legacy("legacy-cadi-info")
    second["name"] = "legacy-cadi-extra"
    first["deposit_schema"]["properties"]["extra"] = {
        "$ref": "https://any.host/schemas/deposits/records/legacy-cadi-extra-v0.0.1.json"
    }
    second["deposit_schema"]["properties"]["back"] = {"$ref": CADI_URL}
    results = api.load_definitions(
        [api.load_definition(first), api.load_definition(second)]
    )
    assert [status for _, status in results] == ["created", "created"]


def test_load_definitions_is_all_or_nothing(db):
    broken = legacy("legacy-analysis")
    broken["deposit_schema"]["properties"]["other"] = {
        "$ref": "https://analysispreservation.cern.ch/schemas/deposits/records/nope-v1.0.0.json"
    }
    with pytest.raises(InvalidSchemaError):
        api.load_definitions(
            [api.load_definition(legacy("legacy-cadi-info")), api.load_definition(broken)]
        )
    assert api.list_schemas() == []


# $ref by URL: validation and the form
# ====================================


def test_validation_follows_refs_to_registered_schemas(loaded):
    document = {"general_title": "T", "basic_info": {"cadi_id": "ABC-12-345"},
                "cadi_info": {"status": 3}}
    errors = api.validate(loaded, document, full=False)
    assert errors == [{"field": ["cadi_info", "status"], "message": "Status must be text"}]
    assert api.validate(loaded, {**document, "cadi_info": {"status": "PUB"}}) == []


def test_lenient_validation_drops_required_in_refd_schemas_too(db, users):
    from cap.modules.schemas.proxies import current_schemas_service as service

    cadi = legacy("legacy-cadi-info")
    cadi["deposit_schema"]["required"] = ["status"]
    service.create(users.superuser.identity, cadi)
    service.create(users.superuser.identity, legacy("legacy-analysis"))
    schema = api.get_schema("legacy-analysis")
    document = {"general_title": "T", "cadi_info": {}}
    assert api.validate(schema, document, full=False) == []
    assert [e["field"] for e in api.validate(schema, document)] == [["cadi_info", "status"]]


def test_form_resolves_refs(client, loaded, users):
    answer = client.get(
        "/jsonschemas/legacy-analysis/0.0.1?resolve=true", headers=users.cms.headers
    )
    assert answer.status_code == 200
    cadi_info = answer.json["deposit_schema"]["properties"]["cadi_info"]
    assert cadi_info["properties"]["status"] == {"type": "string", "title": "Status"}
    raw = client.get("/jsonschemas/legacy-analysis/0.0.1", headers=users.cms.headers)
    assert raw.json["deposit_schema"]["properties"]["cadi_info"] == {"$ref": CADI_URL}


def test_allow_all_lets_every_authenticated_user_read(client, loaded, users):
    plain, lhcb = users.plain.headers, users.lhcb.headers
    assert client.get("/jsonschemas/legacy-cadi-info/0.0.1", headers=lhcb).status_code == 200
    assert client.get("/jsonschemas/legacy-analysis/0.0.1", headers=plain).status_code == 403
    assert client.get("/jsonschemas/legacy-cadi-info/0.0.1").status_code == 401


# Strings without maxLength
# =========================


def test_strings_without_max_length_get_the_configured_limit(app, loaded):
    limit = app.config["CAP_SCHEMAS_STRING_MAX_LENGTH"]
    ok = {"general_title": "x" * limit}
    assert api.validate(loaded, ok, full=False) == []
    errors = api.validate(loaded, {"general_title": "x" * (limit + 1)}, full=False)
    assert [e["field"] for e in errors] == [["general_title"]]
    assert f"at most {limit}" in errors[0]["message"]
    # A schema's own maxLength is the one that applies.
    errors = api.validate(loaded, {"basic_info": {"abstract": "y" * 201}}, full=False)
    assert [e["field"] for e in errors] == [["basic_info", "abstract"]]
    assert errors[0]["message"] == "Abstract must have at most 200 characters"


def test_the_definition_copy_is_untouched(loaded):
    # Mappings are converted when indexes are built, never in the stored definition.
    assert loaded.deposit_mapping == copy.deepcopy(legacy("legacy-analysis")["deposit_mapping"])


def test_cli_takes_a_folder_in_our_layout_as_a_path(db, cli_runner, schema_dirs):
    root, mappings_root = schema_dirs
    result = run(cli_runner, "load", root, "--mappings-dir", mappings_root)
    assert result.exit_code == 0, result.output
    assert "test-analysis v1.0.0: created (+2 indexes)" in result.output
    assert api.get_schema("test-analysis").deposit_mapping is not None


# Legacy keywords read as ours
# ============================


def test_legacy_das_mark_is_read_as_ours(loaded):
    from cap.modules.cms.das.validation import dataset_fields

    document = {"datasets": [{"path": "/DarkPhoton/Run2/AOD"}, {"code": "x.py"}]}
    assert dataset_fields(loaded, document) == [("datasets.0.path", "/DarkPhoton/Run2/AOD", None)]


def test_x_cap_permission_is_a_field_rule(loaded):
    from cap.modules.access.fields import field_permissions

    assert field_permissions(loaded) == {
        "review_status": {"users": [], "roles": ["legacy-conveners@cern.ch"]}
    }
