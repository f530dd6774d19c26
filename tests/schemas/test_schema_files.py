"""Static checks of the deposit types shipped as data.

Every ``cap/jsonschemas/<name>/v<M.m.p>/`` folder holds ``config.json``,
``deposit.json``, ``deposit-options.json``, optionally ``record.json`` and
``record-options.json``, and an ``example.json``; its search mapping lives in
``cap/mappings/<name>/v<M.m.p>/``. Nothing here needs a running service.
"""

import copy
import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS_DIR = ROOT / "cap" / "jsonschemas"
MAPPINGS_DIR = ROOT / "cap" / "mappings"

EXPECTED = {
    ("cms-analysis", "1.0.0"),
    ("cms-analysis", "1.1.0"),
    ("cms-stats-questionnaire", "1.0.0"),
    ("atlas-analysis", "1.0.0"),
    ("atlas-workflows", "1.0.0"),
    ("lhcb", "1.0.0"),
    ("alice-analysis", "1.0.0"),
    ("generic", "1.0.0"),
    *((name, "2.0.0") for name in ("cms-analysis", "cms-stats-questionnaire", "atlas-analysis",
                                   "atlas-workflows", "lhcb", "alice-analysis", "generic")),
    *((name, "2.1.0") for name in ("cms-analysis", "cms-stats-questionnaire", "atlas-analysis",
                                   "lhcb", "alice-analysis")),
}
# The legacy cms-analysis and atlas-analysis models are open at the top: v2.1.0 follows.
OPEN_AT_TOP = {("cms-analysis", "2.1.0"), ("atlas-analysis", "2.1.0")}
SYSTEM_KEYS = {
    "$schema",
    "_deposit",
    "_access",
    "_files",
    "_experiment",
    "_review",
    "control_number",
}
CORE_TYPES = {"text", "keyword", "date", "integer", "long", "float", "boolean", "object", "nested"}
FACET_TYPES = {"keyword", "date", "integer", "long"}
SORT_TYPES = FACET_TYPES | {"float"}
SUGGEST_TYPES = {"text", "keyword"}
# Which mapping types fit which JSON Schema type.
COMPATIBLE = {
    "string": {"text", "keyword", "date"},
    "integer": {"integer", "long"},
    "number": {"float"},
    "boolean": {"boolean"},
    "object": {"object", "nested"},
}
SUGGEST_SOURCES = {"cadi", "das", "triggers", "orcid", "ror", "keywords"}
WIDGETS = {"textarea", "select", "radio", "checkboxes", "date", "email", "uri", "hidden"}
VERSION_RE = re.compile(r"^v(\d+\.\d+\.\d+)$")


def load(path):
    with open(path, encoding="utf-8") as fp:
        return json.load(fp)


def version_dirs():
    return sorted(p for p in SCHEMAS_DIR.glob("*/v*") if p.is_dir())


VERSION_DIRS = version_dirs()
IDS = [f"{p.parent.name}/{p.name}" for p in VERSION_DIRS]


class SchemaType:
    """All files of one schema version."""

    def __init__(self, folder):
        self.folder = folder
        self.name = folder.parent.name
        self.version = VERSION_RE.match(folder.name).group(1)
        self.config = load(folder / "config.json")
        self.deposit = load(folder / "deposit.json")
        self.deposit_options = load(folder / "deposit-options.json")
        record = folder / "record.json"
        self.record = load(record) if record.exists() else None
        record_options = folder / "record-options.json"
        self.record_options = load(record_options) if record_options.exists() else None
        self.example = load(folder / "example.json")
        mappings = MAPPINGS_DIR / self.name / folder.name
        self.mapping = load(mappings / "deposit.json")
        record_mapping = mappings / "record.json"
        self.record_mapping = load(record_mapping) if record_mapping.exists() else None

    def schemas(self):
        """(label, schema) of the deposit schema and, if any, the record schema."""
        out = [("deposit", self.deposit)]
        if self.record is not None:
            out.append(("record", self.record))
        return out

    def mappings(self):
        """(label, mapping) of the deposit mapping and, if any, the record mapping."""
        out = [("deposit", self.mapping)]
        if self.record_mapping is not None:
            out.append(("record", self.record_mapping))
        return out

    def mapping_of(self, label):
        """The mapping that indexes documents of the ``label`` schema."""
        if label == "record" and self.record_mapping is not None:
            return self.record_mapping
        return self.mapping


@pytest.fixture(params=VERSION_DIRS, ids=IDS)
def stype(request):
    return SchemaType(request.param)


def validator(schema):
    return Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)


# ---------------------------------------------------------------------------
# Walking helpers


def schema_paths(node, prefix=""):
    """Yield (dotted path, schema node) for every property, arrays flattened."""
    if node.get("type") == "array":
        yield from schema_paths(node["items"], prefix)
        return
    for key, sub in node.get("properties", {}).items():
        path = f"{prefix}.{key}" if prefix else key
        yield path, sub
        target = sub["items"] if sub.get("type") == "array" else sub
        yield from schema_paths(target, path)


def mapping_paths(properties, prefix=""):
    """Yield (dotted path, mapping) for every mapped field (subfields excluded)."""
    for key, sub in properties.items():
        path = f"{prefix}.{key}" if prefix else key
        yield path, sub
        if "properties" in sub:
            yield from mapping_paths(sub["properties"], path)


def resolve_mapping(mapping, dotted):
    """The mapping of a dotted field path, following ``fields`` for subfields."""
    node = {"properties": mapping["properties"]}
    for part in dotted.split("."):
        if part in node.get("properties", {}):
            node = node["properties"][part]
        elif part in node.get("fields", {}):
            node = node["fields"][part]
        else:
            return None
    return node


def schema_type(node):
    return node["items"].get("type") if node.get("type") == "array" else node.get("type")


def required_locations(node, doc, path=()):
    """Yield (location, field) for each required field that ``doc`` fills in."""
    if node.get("type") == "object" and isinstance(doc, dict):
        for name in node.get("required", []):
            if name in doc:
                yield path, name
        for key, sub in node.get("properties", {}).items():
            if key in doc:
                yield from required_locations(sub, doc[key], (*path, key))
    elif node.get("type") == "array" and isinstance(doc, list):
        for index, item in enumerate(doc):
            yield from required_locations(node["items"], item, (*path, index))


def strip_required(node):
    """The lenient draft schema: the same schema without any ``required``."""
    if isinstance(node, dict):
        return {k: strip_required(v) for k, v in node.items() if k != "required"}
    if isinstance(node, list):
        return [strip_required(v) for v in node]
    return node


def remove_required(node, doc):
    """The document without every required field (what a fresh draft looks like)."""
    if node.get("type") == "object" and isinstance(doc, dict):
        return {
            k: remove_required(node.get("properties", {}).get(k, {}), v)
            for k, v in doc.items()
            if k not in node.get("required", [])
        }
    if node.get("type") == "array" and isinstance(doc, list):
        return [remove_required(node["items"], item) for item in doc]
    return doc


def config_field_refs(config):
    """(kind, name, field) of every field a facet, sort option or suggestion uses."""
    refs = []

    def fields_in(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "field" and isinstance(value, str):
                    yield value
                else:
                    yield from fields_in(value)
        elif isinstance(node, list):
            for value in node:
                yield from fields_in(value)

    for name, agg in config.get("facets", {}).items():
        refs.extend(("facet", name, field) for field in fields_in(agg))
    for name, option in config.get("sort_options", {}).items():
        refs.extend(("sort", name, field.lstrip("-")) for field in option["fields"])
    for name, field in config.get("suggest", {}).items():
        refs.append(("suggest", name, field))
    return refs


# ---------------------------------------------------------------------------
# Layout and config


def test_expected_types_and_versions():
    found = {(p.parent.name, VERSION_RE.match(p.name).group(1)) for p in VERSION_DIRS}
    assert found == EXPECTED


def test_every_mapping_folder_has_a_schema():
    for folder in MAPPINGS_DIR.glob("*/v*"):
        assert (SCHEMAS_DIR / folder.parent.name / folder.name).is_dir(), folder


def test_config_matches_folder(stype):
    config = stype.config
    assert config["name"] == stype.name
    assert config["version"] == stype.version
    assert isinstance(config["fullname"], str) and config["fullname"]
    assert config["is_indexed"] is True
    assert config["use_deposit_as_record"] is (stype.record is None)
    if stype.name == "generic":
        assert config["experiment"] is None
        assert config["fullname"] == "Generic analysis"
    else:
        assert config["experiment"] in {"CMS", "ATLAS", "LHCb", "ALICE"}
    settings = config["config"]
    assert isinstance(settings["reviewable"], bool)
    assert settings["pid_format"] is None or isinstance(settings["pid_format"], str)
    assert len(settings["facets"]) >= 2
    assert settings["sort_options"] and settings["suggest"]


def test_cms_analysis_config():
    for version in ("1.0.0", "1.1.0"):
        settings = SchemaType(SCHEMAS_DIR / "cms-analysis" / f"v{version}").config["config"]
        assert {
            "cms_working_group",
            "cadi_status",
            "year",
            "stage",
            "physics_objects",
            "datasets",
        } <= set(settings["facets"])
        assert settings["reviewable"] is False
        assert settings["field_permissions"]["cadi_info"]["update"]["roles"]


@pytest.mark.parametrize("version", ["v1.0.0", "v2.0.0"])
def test_stats_questionnaire_config(version):
    stype = SchemaType(SCHEMAS_DIR / "cms-stats-questionnaire" / version)
    settings = stype.config["config"]
    assert settings["reviewable"] is True
    assert settings["pid_format"].format(year=2024, counter=7) == "CMS-STATS-2024-0007"
    known = {path for path, _ in schema_paths(stype.deposit)}
    rules = settings["notifications"]
    assert set(rules["actions"]) == {"publish", "review"}
    # The rule engine validates the rest (tests/notifications); only the file
    # knows which fields exist: every path a check or a ctx reads is one.
    paths = []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("path"), str):
                paths.append(node["path"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(rules)
    assert paths and set(paths) <= known


def test_field_permissions_name_real_fields(stype):
    known = {path for path, _ in schema_paths(stype.deposit)}
    for field, rules in stype.config["config"].get("field_permissions", {}).items():
        assert field in known
        for rule in rules.values():
            assert set(rule) <= {"users", "roles"} and any(rule.values())


# ---------------------------------------------------------------------------
# JSON Schemas


def test_schemas_are_valid_draft7(stype):
    for label, schema in stype.schemas():
        Draft7Validator.check_schema(schema)
        assert schema["$schema"] == "http://json-schema.org/draft-07/schema#", label
        assert "$id" not in schema and "id" not in schema, label
        assert schema["type"] == "object" and schema["title"], label
        closed = (stype.name, stype.version) not in OPEN_AT_TOP
        assert (schema.get("additionalProperties") is False) is closed, label


def test_no_system_fields(stype):
    for label, schema in stype.schemas():
        top = set(schema["properties"])
        assert not top & SYSTEM_KEYS, label
        assert not [key for key in top if key.startswith(("_", "$"))], label


def test_required_fields_are_defined(stype):
    for label, schema in stype.schemas():
        nodes = [schema] + [node for _, node in schema_paths(schema)]
        for node in nodes:
            target = node["items"] if node.get("type") == "array" else node
            for name in target.get("required", []):
                assert name in target.get("properties", {}), (label, name)


def test_example_validates(stype):
    for label, schema in stype.schemas():
        errors = [e.message for e in validator(schema).iter_errors(stype.example)]
        assert not errors, (label, errors)


# The legacy stats questionnaire requires nothing to publish, and so does ours.
NOTHING_REQUIRED = {("cms-stats-questionnaire", "2.0.0"), ("cms-stats-questionnaire", "2.1.0")}


def test_missing_required_field_fails(stype):
    for label, schema in stype.schemas():
        locations = list(required_locations(schema, stype.example))
        if (stype.name, stype.version) in NOTHING_REQUIRED:
            assert not locations and '"required"' not in json.dumps(schema), label
            continue
        assert locations, f"{label}: the example fills no required field"
        for location, name in locations:
            doc = copy.deepcopy(stype.example)
            parent = doc
            for step in location:
                parent = parent[step]
            del parent[name]
            errors = [
                e
                for e in validator(schema).iter_errors(doc)
                if e.validator == "required" and list(e.absolute_path) == list(location)
            ]
            assert len(errors) == 1, (label, location, name)
            assert f"'{name}' is a required property" in errors[0].message


def test_draft_validation_ignores_required(stype):
    if (stype.name, stype.version) in NOTHING_REQUIRED:
        return
    for label, schema in stype.schemas():
        draft = remove_required(schema, stype.example)
        assert list(validator(schema).iter_errors(draft)), label
        assert not list(validator(strip_required(schema)).iter_errors(draft)), label


def test_minor_version_keeps_older_documents_valid():
    old = SchemaType(SCHEMAS_DIR / "cms-analysis" / "v1.0.0")
    new = SchemaType(SCHEMAS_DIR / "cms-analysis" / "v1.1.0")
    old_paths = {path for path, _ in schema_paths(old.deposit)}
    new_paths = {path for path, _ in schema_paths(new.deposit)}
    assert old_paths < new_paths
    assert not list(validator(new.deposit).iter_errors(old.example))
    assert list(validator(old.deposit).iter_errors(new.example))


# ---------------------------------------------------------------------------
# Mappings


def test_mapping_uses_core_types_only(stype):
    for label, mapping in stype.mappings():
        assert set(mapping) == {"properties"}, label
        for path, field in mapping_paths(mapping["properties"]):
            assert "dynamic" not in field, (label, path)
            assert field.get("type", "object") in CORE_TYPES, (label, path)
            if field.get("type") in {"object", "nested"} and "properties" not in field:
                assert field.get("enabled") is False, (label, path)
            for name, sub in field.get("fields", {}).items():
                assert sub["type"] in CORE_TYPES, (label, path, name)
                assert sub.get("normalizer", "caseless") == "caseless", (label, path, name)


def test_mapping_matches_schema(stype):
    for label, schema in stype.schemas():
        mapping = stype.mapping_of(label)
        mapped = dict(mapping_paths(mapping["properties"]))
        disabled = {p for p, m in mapped.items() if m.get("enabled") is False}
        defined = dict(schema_paths(schema))
        for path, node in defined.items():
            if any(path.startswith(f"{d}.") for d in disabled):
                continue
            assert path in mapped, f"{label}: {path} is not mapped"
            allowed = COMPATIBLE[schema_type(node)]
            assert mapped[path].get("type", "object") in allowed, (label, path)
        for path in mapped:
            assert path in defined, f"{label}: {path} is mapped but not in the schema"


def test_config_fields_exist_in_mapping(stype):
    for kind, name, field in config_field_refs(stype.config["config"]):
        for label, mapping in stype.mappings():
            node = resolve_mapping(mapping, field)
            assert node is not None, f"{label}: {kind} {name} uses unmapped {field}"
            allowed = {"facet": FACET_TYPES, "sort": SORT_TYPES, "suggest": SUGGEST_TYPES}[kind]
            assert node["type"] in allowed, (label, kind, name, field, node["type"])


# ---------------------------------------------------------------------------
# UI options


def check_widget(options, schema, where):
    widget = options.get("ui:widget")
    if widget is not None:
        assert widget in WIDGETS, where
    if widget == "checkboxes":
        assert schema["type"] == "array" and schema.get("uniqueItems"), where
        assert schema["items"]["enum"], where
    if widget in {"select", "radio"}:
        assert "enum" in schema or schema["type"] == "boolean", where
    if widget == "date":
        assert schema.get("format") == "date", where
    if "ui:enumNames" in options:
        assert len(options["ui:enumNames"]) == len(schema["enum"]), where


def check_ui(options, schema, where):
    check_widget(options, schema, where)
    if schema.get("type") == "array":
        for key in options:
            assert key == "items" or key.startswith("ui:"), f"{where}: {key}"
        if "items" in options:
            check_ui(options["items"], schema["items"], f"{where}[]")
        return
    props = schema.get("properties", {})
    order = options.get("ui:order")
    if order is not None:
        assert len(order) == len(set(order)), where
        assert set(order) <= set(props) | {"*"}, f"{where}: {set(order) - set(props)}"
        if "*" not in order:
            assert set(props) <= set(order), f"{where}: {set(props) - set(order)}"
    suggest = options.get("ui:options", {}).get("suggest")
    if suggest is not None:
        assert suggest in SUGGEST_SOURCES, where
    if "suggest_separator" in options.get("ui:options", {}):
        assert schema.get("type") == "string", f"{where}: several terms need a text field"
    for key, sub in options.items():
        if key.startswith("ui:"):
            continue
        assert key in props, f"{where}: options for unknown field {key}"
        check_ui(sub, props[key], f"{where}.{key}")


def test_ui_options_follow_schema(stype):
    check_ui(stype.deposit_options, stype.deposit, "deposit-options")
    assert stype.deposit_options["ui:order"]
    if stype.record_options is not None:
        check_ui(stype.record_options, stype.record, "record-options")


def test_autocompleted_fields():
    options = SchemaType(SCHEMAS_DIR / "cms-analysis" / "v1.1.0").deposit_options
    assert options["basic_info"]["cadi_id"]["ui:options"]["suggest"] == "cadi"
    datasets = options["input_data"]["primary_datasets"]["items"]
    assert datasets["path"]["ui:options"]["suggest"] == "das"
    trigger = datasets["triggers"]["items"]["trigger"]
    assert trigger["ui:options"]["suggest"] == "triggers"
    person = options["basic_info"]["people_info"]["items"]
    assert person["orcid"]["ui:options"]["suggest"] == "orcid"
    assert person["affiliation"]["ui:options"]["suggest"] == "ror"
    keywords = options["basic_info"]["analysis_keywords"]["items"]
    assert keywords["ui:options"]["suggest"] == "keywords"
    latest = SchemaType(SCHEMAS_DIR / "cms-analysis" / "v2.0.0").deposit_options
    assert latest["additional_resources"]["keywords"]["ui:options"] == {
        "suggest": "keywords", "suggest_separator": ","}


def test_repository_templates_name_fields_of_their_schema(stype):
    """Each shipped repository template is one the service reads, on a default host,
    and its ``{field.path}`` placeholders name fields of the deposit schema."""
    from cap.modules.repositories.config import CAP_REPOSITORIES_HOSTS
    from cap.modules.repositories.schema_templates import PLACEHOLDER, RepositoryTemplate

    templates = stype.config["config"].get("repositories", {})
    known = {path for path, _ in schema_paths(stype.deposit)}
    for name, config in templates.items():
        template = RepositoryTemplate.from_config(name, config, CAP_REPOSITORIES_HOSTS)
        for text in (template.repo_name, template.description):
            assert set(PLACEHOLDER.findall(text)) <= known, (stype.name, name, text)
    if (stype.name, stype.version) == ("atlas-analysis", "2.1.0"):
        assert templates["gitlab"]["repo_name"] == "analysis-{basic_info.glance_id}"
