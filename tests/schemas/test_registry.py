"""The schema registry (api.py): loading, look-up, validation, indexes."""

import json
from pathlib import Path

import pytest
from flask import current_app
from invenio_search import current_search_client
from invenio_search.utils import build_alias_name, prefix_index

from cap.modules.core.errors import NotFoundError
from cap.modules.schemas import api
from cap.modules.schemas.errors import (
    InvalidSchemaError,
    SchemaChangedError,
    SchemaNotFoundError,
)
from cap.modules.schemas.models import Schema
from cap.modules.schemas.validation import build_validator, collect_errors, strip_required

# Loading
# =======


def test_load_twice_is_unchanged(db, schema_dirs):
    first = api.load_from_directory(*schema_dirs)
    assert [(s.name, s.version, status) for s, status in first] == [
        ("test-analysis", "1.0.0", "created")
    ]
    schema = first[0][0]
    assert schema.experiment == "CMS"
    assert schema.deposit_mapping["properties"]["basic_info"]
    assert schema.use_deposit_as_record is True  # no record.json

    second = api.load_from_directory(*schema_dirs)
    assert [status for _, status in second] == ["unchanged"]
    assert Schema.query.count() == 1


def test_changed_content_needs_a_new_version(db, schema_dirs, definition, write_definition):
    root, mappings_root = schema_dirs
    api.load_from_directory(root, mappings_root)

    definition["deposit_schema"]["properties"]["abstract"] = {"type": "string"}
    write_definition(root, definition, mappings_root)
    with pytest.raises(SchemaChangedError) as error:
        api.load_from_directory(root, mappings_root)
    assert "test-analysis v1.0.0" in error.value.message
    assert "new version" in error.value.message
    assert error.value.errors == [{"field": ["deposit_schema"], "message": "Changed."}]
    assert "abstract" not in api.get_schema("test-analysis").deposit_schema["properties"]

    # A new version loads next to the old one.
    definition["version"] = "1.0.1"
    write_definition(root, definition, mappings_root)
    with pytest.raises(SchemaChangedError):  # v1.0.0 on disk still differs
        api.load_from_directory(root, mappings_root)
    statuses = {s.version: st for s, st in api.load_from_directory(root, mappings_root, force=True)}
    assert statuses == {"1.0.0": "updated", "1.0.1": "created"}
    assert "abstract" in api.get_schema("test-analysis", "1.0.0").deposit_schema["properties"]


def test_changed_form_options_update_the_version(db, schema_dirs, definition, write_definition):
    """Options say how the form looks, not what validates: no new version needed."""
    root, mappings_root = schema_dirs
    api.load_from_directory(root, mappings_root)

    definition["deposit_options"] = {"abstract": {"ui:widget": "textarea"}}
    write_definition(root, definition, mappings_root)
    statuses = [status for _, status in api.load_from_directory(root, mappings_root)]
    assert statuses == ["updated"]
    assert api.get_schema("test-analysis", "1.0.0").deposit_options == {
        "abstract": {"ui:widget": "textarea"}}

    # Options and a schema change together still need a new version.
    definition["deposit_options"] = {}
    definition["deposit_schema"]["properties"]["abstract"] = {"type": "string"}
    write_definition(root, definition, mappings_root)
    with pytest.raises(SchemaChangedError) as error:
        api.load_from_directory(root, mappings_root)
    assert {tuple(e["field"]) for e in error.value.errors} == {
        ("deposit_schema",), ("deposit_options",)}
    assert api.get_schema("test-analysis", "1.0.0").deposit_options == {
        "abstract": {"ui:widget": "textarea"}}


def test_invalid_definitions_name_every_field(db, tmp_path, definition, write_definition):
    definition.update(version="one", experiment="NA62", colour="blue")
    definition["deposit_schema"]["type"] = "thing"
    definition["deposit_mapping"] = {"properties": []}
    folder, _ = write_definition(tmp_path / "schemas", {**definition, "version": "1.0.0"})
    config = json.loads((folder / "config.json").read_text())
    config["version"] = "one"
    (folder / "config.json").write_text(json.dumps(config))

    with pytest.raises(InvalidSchemaError) as error:
        api.load_from_directory(tmp_path / "schemas", tmp_path / "mappings")
    fields = {".".join(e["field"]) for e in error.value.errors}
    assert fields == {
        "version", "experiment", "colour", "deposit_schema.type", "deposit_mapping.properties"
    }
    assert str(folder) in error.value.message
    assert Schema.query.count() == 0


def test_record_parts(db, definition):
    from cap.modules.schemas.definition import load_definition

    # Legacy: records of a schema without a record schema of its own take any JSON.
    assert load_definition({**definition, "use_deposit_as_record": False})["record_schema"] == {}
    with pytest.raises(InvalidSchemaError) as error:
        load_definition(
            {**definition, "use_deposit_as_record": True, "record_schema": {"type": "object"}}
        )
    assert error.value.errors[0]["field"] == ["record_schema"]
    # The effective record schema (what GET shows) is accepted back and not stored.
    loaded = load_definition({**definition, "record_schema": definition["deposit_schema"]})
    assert loaded["use_deposit_as_record"] is False  # a record.json was given
    loaded = load_definition(
        {**definition, "use_deposit_as_record": True, "record_schema": definition["deposit_schema"]}
    )
    assert loaded["record_schema"] is None


def test_record_parts_default_to_deposit(make_schema):
    same = make_schema()
    assert same.record_schema == same.deposit_schema
    assert same.record_mapping == same.deposit_mapping
    assert same.record_options == same.deposit_options

    separate = make_schema(
        version="2.0.0",
        record_schema={"type": "object", "required": ["title"]},
        record_mapping={"properties": {"title": {"type": "text"}}},
    )
    assert separate.use_deposit_as_record is False
    assert separate.record_schema == {"type": "object", "required": ["title"]}
    assert separate.record_mapping == {"properties": {"title": {"type": "text"}}}
    assert separate.record_options == separate.deposit_options  # none of its own

    # A record schema of its own without a mapping of its own (like generic):
    # its records are still searchable by the deposit mapping's fields.
    unmapped = make_schema(
        version="3.0.0", record_schema={"type": "object", "required": ["title"]}
    )
    assert unmapped.use_deposit_as_record is False
    assert unmapped.record_mapping == unmapped.deposit_mapping


# Look-up
# =======


def test_latest_is_by_semantic_version(make_schema):
    for version in ("1.2.0", "1.10.0", "1.9.3"):
        make_schema(version=version)
    make_schema(name="other", version="3.0.0")

    assert api.get_schema("test-analysis").version == "1.10.0"
    assert api.get_schema("test-analysis", "1.2.0").version == "1.2.0"
    assert api.get_schema("test-analysis", "v1.9.3").version == "1.9.3"
    with pytest.raises(SchemaNotFoundError):
        api.get_schema("test-analysis", "1.3.0")
    with pytest.raises(NotFoundError):  # the plain error other modules catch
        api.get_schema("unknown")
    with pytest.raises(SchemaNotFoundError):
        api.get_schema("test-analysis", "latest")

    assert [s.version for s in api.versions_of("test-analysis")] == ["1.2.0", "1.9.3", "1.10.0"]
    assert [(s.name, s.version) for s in api.list_schemas(latest_only=True)] == [
        ("other", "3.0.0"),
        ("test-analysis", "1.10.0"),
    ]
    assert len(api.list_schemas()) == 4


def test_urls_paths_and_index_names(test_schema):
    site = current_app.config["SITE_API_URL"]
    assert test_schema.deposit_path == "deposits/records/test-analysis-v1.0.0.json"
    assert test_schema.record_path == "records/test-analysis-v1.0.0.json"
    assert test_schema.deposit_index == "deposits-test-analysis-v1.0.0"
    assert test_schema.record_index == "records-test-analysis-v1.0.0"
    assert api.schema_url(test_schema) == f"{site}/schemas/{test_schema.deposit_path}"
    assert api.schema_url(test_schema, "record") == f"{site}/schemas/{test_schema.record_path}"

    for url in (
        api.schema_url(test_schema),
        api.schema_url(test_schema, "record"),
        "https://analysispreservation.cern.ch/schemas/deposits/records/test-analysis-v1.0.0.json",
        "/schemas/records/test-analysis-v1.0.0.json",
        "schemas/deposits/records/test-analysis-v1.0.0.json",
    ):
        assert api.get_schema_by_url(url).id == test_schema.id, url
    for url in (
        "https://x.org/schemas/deposits/records/test-analysis-v2.0.0.json",
        "https://x.org/schemas/deposits/records/test-analysis.json",
        "https://x.org/other/test-analysis-v1.0.0.json",
        "",
        None,
    ):
        with pytest.raises(SchemaNotFoundError):
            api.get_schema_by_url(url)


def test_base_url_is_configurable(app, test_schema):
    app.config["CAP_SCHEMAS_BASE_URL"] = "https://cap.example.org/schemas/"
    try:
        assert (
            api.schema_url(test_schema)
            == "https://cap.example.org/schemas/deposits/records/test-analysis-v1.0.0.json"
        )
    finally:
        app.config["CAP_SCHEMAS_BASE_URL"] = None


# Validation
# ==========


def test_valid_document_has_no_errors(test_schema, valid_document):
    assert api.validate(test_schema, valid_document) == []
    assert api.validate(test_schema, valid_document, full=False) == []
    assert api.validate(test_schema, valid_document, kind="record") == []


def test_full_validation_collects_every_error_with_field_paths(test_schema):
    document = {
        "basic_info": {
            "cadi_id": "not-a-cadi-id",
            "people": [{"name": "Ada"}, {"email": "not-an-email"}, {"name": 7}],
        },
        "required": "yes",
    }
    errors = api.validate(test_schema, document)
    assert [e["field"] for e in errors] == [
        ["basic_info", "cadi_id"],
        ["basic_info", "people", "1", "email"],
        ["basic_info", "people", "1", "name"],
        ["basic_info", "people", "2", "name"],
        ["required"],
        ["title"],
    ]
    messages = {".".join(e["field"]): e["message"] for e in errors}
    # Fields without a title are named by their key; the pattern is never echoed.
    assert messages["title"] == "Title is required"
    assert messages["basic_info.people.1.name"] == "Name is required"
    assert messages["basic_info.people.1.email"] == "Email must be an email address"
    assert messages["basic_info.cadi_id"] == "Cadi id is not in the expected form"
    assert messages["basic_info.people.2.name"] == "Name must be text"


WORDED_SCHEMA = {
    "type": "object",
    "title": "Analysis",
    "properties": {
        "cadi_id": {
            "type": "string", "title": "CADI ID", "pattern": "^[A-Z]{3}-\\d{2}-\\d{3}$",
            "x-cap-error": "A CADI ID looks like HIG-21-004",
        },
        "orcid": {
            "type": "string", "title": "ORCID iD", "pattern": "^\\d{4}(-\\d{4}){3}$",
            "description": "Sixteen digits in groups of four", "examples": ["0000-0002-1825-0097"],
        },
        "ror": {"type": "string", "title": "ROR ID", "pattern": "^0[a-z0-9]{8}$",
                "errorMessage": {"pattern": "A ROR ID is 0 and eight letters or digits"}},
        "tag": {"type": "string", "title": "Tag", "pattern": "^v\\d+$", "examples": ["v1"]},
        "status": {"type": "string", "title": "Status", "enum": ["PUB", "FREE"]},
        "email": {"type": "string", "title": "Contact", "format": "email"},
        "note": {"type": "string", "title": "Note", "minLength": 1, "maxLength": 5},
        "year": {"type": "integer", "title": "Year", "minimum": 2009},
        "code": {"type": "string", "title": "Code", "maxLength": 3},
        "tags": {"type": "array", "title": "Tags", "uniqueItems": True},
        "abstract": {"type": "string", "title": "Abstract"},
    },
    "required": ["abstract"],
}


def test_errors_speak_in_the_schema_words_never_a_regex():
    document = {"cadi_id": "abc", "orcid": "0000", "ror": "x", "tag": "1", "status": "NEW",
                "email": "nobody", "note": "", "code": "abcd", "year": 1999,
                "tags": ["a", "a"]}
    errors = collect_errors(build_validator(WORDED_SCHEMA), document)
    assert {".".join(e["field"]): e["message"] for e in errors} == {
        "abstract": "Abstract is required",
        "cadi_id": "A CADI ID looks like HIG-21-004",  # the schema's own words
        "orcid": "ORCID iD is not in the expected form: "
                 "Sixteen digits in groups of four (e.g. 0000-0002-1825-0097)",
        "ror": "A ROR ID is 0 and eight letters or digits",  # its words for this keyword
        "tag": "Tag is not in the expected form: e.g. v1",
        "status": "Status must be one of the listed values: PUB, FREE",
        "email": "Contact must be an email address",
        "note": "Note must not be empty",
        "year": "Year must be at least 2009",
        "code": "Code must have at most 3 characters",
        "tags": "Tags has the same entry twice",
    }
    assert len(errors) == 11
    text = json.dumps(errors)
    for node in WORDED_SCHEMA["properties"].values():
        if "pattern" in node:
            assert node["pattern"] not in text and json.dumps(node["pattern"])[1:-1] not in text


def test_lenient_validation_ignores_required_only(test_schema):
    document = {
        "basic_info": {"people": [{"email": "not-an-email"}, {"name": 7}]},
        "required": "yes",
    }
    errors = api.validate(test_schema, document, full=False)
    # Missing title, cadi_id and name are fine for a draft; types are not.
    # Formats are checked at publish only.
    assert [e["field"] for e in errors] == [["basic_info", "people", "1", "name"], ["required"]]
    assert api.validate(test_schema, {}, full=False) == []
    assert {".".join(e["field"]) for e in api.validate(test_schema, {})} == {"title", "basic_info"}


def test_missing_properties_each_get_their_field(make_schema):
    schema = make_schema(
        deposit_schema={
            "type": "object",
            "properties": {"a": {"type": "object", "required": ["x", "y"]}},
            "required": ["a", "b"],
        }
    )
    assert [e["field"] for e in api.validate(schema, {})] == [["a"], ["b"]]
    assert [e["field"] for e in api.validate(schema, {"a": {}, "b": 1})] == [["a", "x"], ["a", "y"]]


def test_strip_required_goes_everywhere_but_data():
    schema = {
        "required": ["a"],
        "properties": {
            "required": {"type": "object", "required": ["x"]},
            "items": {"type": "array", "items": {"required": ["y"]}},
        },
        "definitions": {"d": {"allOf": [{"required": ["z"]}, {"anyOf": [{"required": ["w"]}]}]}},
        "default": {"required": ["kept"]},
        "enum": [{"required": ["kept"]}],
    }
    assert strip_required(schema) == {
        "properties": {
            "required": {"type": "object"},
            "items": {"type": "array", "items": {}},
        },
        "definitions": {"d": {"allOf": [{}, {"anyOf": [{}]}]}},
        "default": {"required": ["kept"]},
        "enum": [{"required": ["kept"]}],
    }
    assert schema["required"] == ["a"]  # the original is untouched


def test_validators_are_cached_per_schema_state(app, db, test_schema):
    cache = app.extensions["cap-schemas"].validators
    cache.clear()
    api.validate(test_schema, {}, full=False)
    api.validate(test_schema, {}, full=False)
    api.validate(test_schema, {}, full=True)
    assert len(cache._items) == 2

    # Force-changing the content gives a new validator, not the stale one.
    test_schema.deposit_schema = {"type": "object", "required": ["abstract"]}
    db.session.commit()
    assert [e["field"] for e in api.validate(test_schema, {})] == [["abstract"]]
    assert len(cache._items) == 3


def test_resolve_refs_inlines_local_and_own_references(make_schema):
    base = make_schema(name="base", deposit_schema={"type": "object", "title": "Base"})
    resolved = api.resolve_refs(
        {
            "definitions": {"n": {"type": "integer"}},
            "properties": {
                "n": {"$ref": "#/definitions/n"},
                "b": {"$ref": api.schema_url(base)},
            },
        }
    )
    assert resolved["properties"]["n"] == {"type": "integer"}
    assert resolved["properties"]["b"] == {"type": "object", "title": "Base"}
    # Unknown (remote) references are not fetched: the document comes back as is.
    document = {"properties": {"x": {"$ref": "https://example.org/elsewhere.json"}}}
    assert api.resolve_refs(document) == document
    recursive = {"definitions": {"t": {"items": {"$ref": "#/definitions/t"}}}}
    assert api.resolve_refs(recursive) == recursive


def test_resolve_refs_gives_each_reference_its_own_target(make_schema):
    """References met after others were inlined keep their own targets.

    jsonref's own plain-copy mode (``proxies=False``) remembers inlined
    references by ``id()`` after dropping them, so a reference of a schema
    loaded later can land on a freed one's address and take its target
    (gazpachoking/jsonref#61): here the steps' ``$ref`` got the whole
    workflow, as lm-atlas's channels once did in a full run.
    """
    workflow = make_schema(name="workflow", deposit_schema={"required": ["stages"]})
    steps = make_schema(name="steps", deposit_schema={
        "definitions": {"step": {"required": ["name"]}},
        "properties": {f"s{n}": {"$ref": "#/definitions/step"} for n in range(20)},
    })
    document = {"properties": {
        **{f"w{n}": {"$ref": api.schema_url(workflow)} for n in range(20)},
        "steps": {"$ref": api.schema_url(steps)},
    }}
    for _ in range(20):
        resolved = api.resolve_refs(document)["properties"]
        assert {resolved[f"w{n}"]["required"][0] for n in range(20)} == {"stages"}
        assert {step["required"][0] for step in resolved["steps"]["properties"].values()} \
            == {"name"}


# Search indexes
# ==============


def test_indexes_and_aliases_are_created_and_deleted(app, test_schema, valid_document):
    prefix = app.config["SEARCH_INDEX_PREFIX"]
    deposit_index = f"{prefix}deposits-test-analysis-v1.0.0"
    record_index = f"{prefix}records-test-analysis-v1.0.0"
    assert prefix_index(test_schema.deposit_index) == deposit_index
    assert api.index_names(test_schema) == [deposit_index, record_index]

    assert api.create_indexes(test_schema) == [deposit_index, record_index]
    assert api.create_indexes(test_schema) == []  # idempotent
    indices = current_search_client.indices
    aliases = indices.get_alias(index=f"{deposit_index},{record_index}")
    assert set(aliases[deposit_index]["aliases"]) == {
        build_alias_name("deposits"),
        build_alias_name("deposits-test-analysis"),
    }
    assert set(aliases[record_index]["aliases"]) == {
        f"{prefix}records",
        f"{prefix}records-test-analysis",
    }

    mapping = indices.get_mapping(index=deposit_index)[deposit_index]["mappings"]
    properties = mapping["properties"]
    assert mapping["dynamic"] == "false"
    assert properties["title"]["fields"]["raw"]["normalizer"] == "caseless"
    assert properties["basic_info"]["properties"]["cadi_id"]["type"] == "keyword"
    assert properties["$schema"]["type"] == "keyword"
    assert properties["_deposit"]["properties"]["owners"]["type"] == "integer"
    assert properties["_deposit"]["properties"]["pid"]["properties"]["revision_id"]
    assert properties["_files"]["properties"]["size"]["type"] == "long"
    assert properties["_schema"]["properties"]["version"]["type"] == "keyword"
    assert properties["_review"]["enabled"] is False
    assert properties["created"]["type"] == "date"
    settings = indices.get_settings(index=deposit_index)[deposit_index]["settings"]["index"]
    assert settings["analysis"]["normalizer"]["caseless"]["filter"] == ["lowercase", "asciifolding"]

    # A document: caseless keyword, dynamic _access grants, unknown fields not indexed.
    current_search_client.index(
        index=deposit_index,
        id="1",
        refresh=True,
        body={
            **valid_document,
            "title": "Élan Dark Matter",
            "_access": {"deposit-read": {"users": [7], "roles": ["cms-members@cern.ch"]}},
            "unknown_field": "kept but not indexed",
        },
    )

    def hits(query):
        found = current_search_client.search(index=build_alias_name("deposits"), body=query)
        return found["hits"]["total"]["value"]

    assert hits({"query": {"term": {"title.raw": "elan dark matter"}}}) == 1
    assert hits({"query": {"term": {"_access.deposit-read.users": 7}}}) == 1
    assert hits({"query": {"term": {"_access.deposit-read.roles": "cms-members@cern.ch"}}}) == 1
    assert hits({"query": {"match": {"unknown_field": "kept"}}}) == 0
    access = indices.get_mapping(index=deposit_index)[deposit_index]["mappings"]["properties"][
        "_access"
    ]["properties"]["deposit-read"]["properties"]
    assert access == {
        "users": {"type": "integer"}, "roles": {"type": "keyword", "ignore_above": 8191}
    }
    assert api.count_documents(test_schema) == 1

    api.delete_indexes(test_schema)
    assert not indices.exists(index=deposit_index)
    assert not indices.exists(index=record_index)
    assert not indices.exists_alias(name=build_alias_name("deposits-test-analysis"))
    api.delete_indexes(test_schema)  # missing indexes are fine


def test_refused_record_mapping_names_it_and_leaves_no_index(make_schema):
    schema = make_schema(
        record_schema={"type": "object"},
        record_mapping={"properties": {"title": {"type": "text", "analyzer": "missing"}}},
    )
    with pytest.raises(InvalidSchemaError) as error:
        api.create_indexes(schema)
    assert error.value.errors[0]["field"] == ["record_mapping"]
    assert "missing" in error.value.errors[0]["message"]
    assert not any(current_search_client.indices.exists(index=i) for i in api.index_names(schema))


def test_unindexed_schema_gets_no_index(make_schema):
    schema = make_schema(is_indexed=False)
    assert api.create_indexes(schema) == []
    assert not current_search_client.indices.exists(index=api.index_names(schema)[0])


# The real schemas in cap/jsonschemas
# ===================================

REAL_ROOT = Path(__file__).resolve().parents[2] / "cap" / "jsonschemas"


def test_every_real_schema_loads_indexes_and_validates_its_example(app, db):
    on_disk = {
        (folder.parent.name, folder.name[1:])
        for folder in (config.parent for config in REAL_ROOT.glob("*/v*/config.json"))
    }
    assert on_disk, f"no schema found under {REAL_ROOT}"

    loaded = api.load_from_directory()
    assert {(s.name, s.version) for s, _ in loaded} == on_disk
    assert {status for _, status in loaded} == {"created"}
    assert {status for _, status in api.load_from_directory()} == {"unchanged"}

    for schema, _ in loaded:
        api.delete_indexes(schema)  # an earlier module may have left them (conftest.schemas)
        assert api.create_indexes(schema) or not schema.is_indexed
        example_file = REAL_ROOT / schema.name / f"v{schema.version}" / "example.json"
        if not example_file.exists():
            continue
        example = json.loads(example_file.read_text())
        assert api.validate(schema, example) == [], f"{schema.name} v{schema.version}"
        assert api.validate(schema, example, kind="record") == [], schema.name
        if schema.is_indexed:
            # The mapping accepts the example (types, dates, keywords...).
            current_search_client.index(
                index=prefix_index(schema.deposit_index), body=example, refresh=True
            )
    assert {s.name for s, _ in loaded} >= {
        "cms-analysis",
        "cms-stats-questionnaire",
        "atlas-analysis",
        "atlas-workflows",
        "lhcb",
        "alice-analysis",
        "generic",
    }
