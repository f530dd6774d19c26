"""Trigger tests: a realistic trigger list and a clean index."""

import json

import pytest

TRIGGERS = [
    {"dataset": "SingleMuon", "year": 2016,
     "triggers": ["HLT_IsoMu24_v4", "HLT_IsoTkMu24_v4", "HLT_IsoMu24_v2", "HLT_Mu50_v5"]},
    {"dataset": "SingleMuon", "year": 2017, "triggers": ["HLT_IsoMu27_v16", "HLT_Mu50_v13"]},
    {"dataset": "/Tau/Run2016B-17Jul2018_ver2-v1/MINIAOD", "year": 2016,
     "triggers": ["HLT_DoubleMediumIsoPFTau35_Trk1_eta2p1_Reg_v*"]},
    {"dataset": "DoubleMuon", "year": 2016, "triggers": ["HLT_Mu17_TrkIsoVVL_Mu8_TrkIsoVVL_v4"]},
    # Malformed entries: skipped and reported.
    {"dataset": "SingleMuon", "triggers": ["HLT_IsoMu20_v1"]},
    {"dataset": "", "year": 2016, "triggers": ["HLT_X_v1"]},
    {"dataset": "JetHT", "year": 2016, "triggers": "HLT_PFHT900_v6"},
    {"dataset": "JetHT", "year": 2018, "triggers": ["HLT_PFHT1050_v18", "L1_SingleMu22", 42]},
    "SingleMuon 2018",
]


@pytest.fixture(scope="module")
def app_config(app_config):
    """Trigger names checked on save (dataset names not: their own tests do that)."""
    app_config.update(CAP_TRIGGERS_VALIDATE=True, CAP_DAS_VALIDATE=False)
    return app_config


@pytest.fixture
def trigger_index(app):
    """No trigger index before the test, none left after it."""
    from cap.modules.cms.triggers.api import trigger_index

    index = trigger_index()
    index.delete()
    yield index
    index.delete()


@pytest.fixture
def triggers_file(tmp_path):
    """The list as a JSON file."""
    path = tmp_path / "triggers.json"
    path.write_text(json.dumps(TRIGGERS))
    return path


@pytest.fixture
def loaded_triggers(trigger_index, triggers_file):
    """The list loaded."""
    from cap.modules.cms.triggers import api

    api.load_file(triggers_file)
    return trigger_index


@pytest.fixture(scope="module")
def searchable_triggers(app, tmp_path_factory):
    """The list loaded once for a module of read-only tests."""
    from cap.modules.cms.triggers import api

    path = tmp_path_factory.mktemp("triggers") / "triggers.json"
    path.write_text(json.dumps(TRIGGERS))
    index = api.trigger_index()
    index.delete()
    api.load_file(path)
    yield index
    index.delete()
