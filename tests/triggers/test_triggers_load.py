"""Loading HLT paths per dataset and year: normalisation, malformed entries, CLI."""

import json

import pytest

from cap.modules.cms.triggers import api
from cap.modules.cms.triggers.cli import load_triggers
from cap.modules.services.proxies import current_status


@pytest.mark.parametrize(
    ("name", "base"),
    [
        ("HLT_IsoMu24_v4", "HLT_IsoMu24"),
        ("HLT_IsoMu24_v*", "HLT_IsoMu24"),
        ("HLT_IsoMu24", "HLT_IsoMu24"),
        ("HLT_Mu17_TrkIsoVVL_Mu8_DZ_Mass3p8_v5", "HLT_Mu17_TrkIsoVVL_Mu8_DZ_Mass3p8"),
        ("L1_SingleMu22", None),
        ("HLT_Iso Mu24", None),
        (42, None),
    ],
)
def test_base_name(name, base):
    assert api.base_name(name) == base


def test_load_reports_malformed_entries(loaded_triggers, triggers_file):
    summary = api.load_file(triggers_file)
    assert summary.entries == 9
    # 3 + 2 + 1 + 1 + 1 (the JetHT 2018 entry keeps its one good path)
    assert summary.indexed == 8
    problems = "\n".join(summary.skipped)
    assert "entry 4: year is missing or not a year" in problems
    assert "entry 5: dataset is missing or not a dataset name" in problems
    assert "entry 6: triggers is not a list" in problems
    assert "entry 7: 'L1_SingleMu22' is not an HLT path" in problems
    assert "entry 7: '42' is not an HLT path" in problems
    assert "entry 8: not an object" in problems
    assert len(summary.skipped) == 6
    assert current_status.read()["triggers"]["status"] == "ok"


def test_reload_replaces(loaded_triggers, tmp_path):
    before = loaded_triggers.current_indexes()
    path = tmp_path / "t.json"
    path.write_text(json.dumps([{"dataset": "MET", "year": 2018, "triggers": ["HLT_PFMET120_v1"]}]))
    summary = api.load_file(path)
    assert summary.replaced == before
    assert api.search()[0] == 1


def test_unreadable_files_keep_the_index(loaded_triggers, tmp_path):
    before = loaded_triggers.current_indexes()
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(api.TriggerFileError):
        api.load_file(bad)
    bad.write_text('{"dataset": "SingleMuon"}')
    with pytest.raises(api.TriggerFileError, match="JSON list"):
        api.load_file(bad)
    assert loaded_triggers.current_indexes() == before
    assert current_status.read()["triggers"]["status"] == "failing"


def test_cli(app, trigger_index, triggers_file, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(load_triggers, [str(triggers_file)])
    assert result.exit_code == 0, result.output
    assert "8 triggers from 9 entries" in result.output
    assert "skipped entry 8: not an object" in result.output
    bad = tmp_path / "bad.json"
    bad.write_text("[")
    result = runner.invoke(load_triggers, [str(bad)])
    assert result.exit_code == 1
    assert "Cannot read" in result.output


def test_nothing_loaded(client, users, trigger_index):
    answer = client.get("/cms/triggers", query_string={"query": "HLT"}, headers=users.owner.headers)
    assert answer.json == {"total": 0, "hits": []}
