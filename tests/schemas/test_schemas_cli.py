"""``cap schemas`` commands and the schema step of ``cap setup``."""

import json
from pathlib import Path

from flask import current_app
from invenio_search import current_search_client

from cap.modules.instance.cli import setup
from cap.modules.schemas import api
from cap.modules.schemas.cli import schemas
from cap.modules.schemas.definition import load_definition
from cap.modules.schemas.models import Schema


def run(cli_runner, *args):
    """Invoke ``cap schemas ARGS`` (pytest-invenio's runner takes ``input`` second)."""
    return cli_runner(schemas, None, *[str(arg) for arg in args])


def test_load_creates_then_reports_unchanged(db, cli_runner, schema_dirs):
    root, mappings_root = schema_dirs
    first = run(cli_runner, "load", "--dir", root, "--mappings-dir", mappings_root)
    assert first.exit_code == 0, first.output
    assert "test-analysis v1.0.0: created (+2 indexes)" in first.output
    schema = api.get_schema("test-analysis")
    assert all(current_search_client.indices.exists(index=i) for i in api.index_names(schema))

    second = run(cli_runner, "load", "--dir", root, "--mappings-dir", mappings_root)
    assert second.exit_code == 0, second.output
    assert "test-analysis v1.0.0: unchanged" in second.output
    assert "indexes" not in second.output


def test_load_refuses_changed_content_unless_forced(
    db, cli_runner, schema_dirs, definition, write_definition
):
    root, mappings_root = schema_dirs
    run(cli_runner, "load", "--dir", root, "--mappings-dir", mappings_root)
    definition["fullname"] = "Changed"
    write_definition(root, definition, mappings_root)

    refused = run(cli_runner, "load", "--dir", root, "--mappings-dir", mappings_root)
    assert refused.exit_code == 1
    assert "already loaded with a different fullname" in refused.output
    assert api.get_schema("test-analysis").fullname == "Test analysis"

    forced = run(cli_runner, "load", "--dir", root, "--mappings-dir", mappings_root, "--force")
    assert forced.exit_code == 0, forced.output
    assert "test-analysis v1.0.0: updated" in forced.output
    assert api.get_schema("test-analysis").fullname == "Changed"


def test_load_reports_invalid_definitions(db, cli_runner, tmp_path, definition, write_definition):
    definition["experiment"] = "NA62"
    write_definition(tmp_path / "schemas", definition)
    result = run(cli_runner, "load", "--dir", tmp_path / "schemas",
                 "--mappings-dir", tmp_path / "mappings")
    assert result.exit_code == 1
    assert "experiment: Unknown experiment" in result.output


def test_list_and_export(db, cli_runner, make_schema, definition, tmp_path):
    make_schema()
    make_schema(version="1.1.0", fullname="Newer")
    listed = run(cli_runner, "list")
    assert listed.exit_code == 0
    assert listed.output.splitlines() == [
        "test-analysis\tv1.0.0\tCMS\tTest analysis",
        "test-analysis\tv1.1.0\tCMS\tNewer",
    ]
    assert run(cli_runner, "list", "--latest").output.count("test-analysis") == 1

    out = tmp_path / "export.json"
    exported = run(cli_runner, "export", "test-analysis", "--version", "1.0.0", "-o", out)
    assert exported.exit_code == 0, exported.output
    assert json.loads(out.read_text()) == load_definition(definition)
    latest = json.loads(run(cli_runner, "export", "test-analysis").output)
    assert latest["version"] == "1.1.0"
    missing = run(cli_runner, "export", "nothing")
    assert missing.exit_code == 1
    assert "nothing does not exist" in missing.output


def test_validate_prints_every_error(db, cli_runner, test_schema, tmp_path, valid_document):
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(valid_document))
    bad.write_text(json.dumps({"basic_info": {"cadi_id": "nope", "people": [{}]}}))

    ok = run(cli_runner, "validate", "test-analysis", good)
    assert ok.exit_code == 0, ok.output
    assert "valid against test-analysis v1.0.0" in ok.output

    failed = run(cli_runner, "validate", "test-analysis", bad)
    assert failed.exit_code == 1
    lines = [line for line in failed.output.splitlines() if ": " in line]
    assert [line.split(":")[0] for line in lines] == [
        "basic_info.cadi_id",
        "basic_info.people.0.name",
        "title",
    ]
    assert "3 error(s)" in failed.output

    lenient = run(cli_runner, "validate", "test-analysis", bad, "--lenient")
    assert lenient.exit_code == 1
    assert "basic_info.cadi_id" in lenient.output
    assert "title" not in lenient.output


def test_setup_loads_every_schema_with_its_indexes(db, cli_runner):
    on_disk = {
        (config.parent.parent.name, config.parent.name[1:])
        for config in Path(current_app.config["CAP_SCHEMAS_DIR"]).glob("*/v*/config.json")
    }
    result = cli_runner(setup)
    assert result.exit_code == 0, result.output
    assert "schemas and their indexes ..." in result.output
    for name, version in on_disk:
        assert f"{name} v{version}: created" in result.output
    assert {(s.name, s.version) for s in Schema.query} == on_disk
    for schema in Schema.query:
        if schema.is_indexed:
            assert current_search_client.indices.exists(index=api.index_names(schema)[0])

    again = cli_runner(setup)
    assert again.exit_code == 0, again.output
    assert "created" not in again.output.split("schemas and their indexes ...")[1].split(
        "files location"
    )[0]
