"""Trigger names are checked on save against their dataset and year (``x-cap-hlt-trigger``)."""

import pytest

from cap.modules.core.errors import ValidationError


def draft(example, datasets):
    """A cms-analysis draft (no CADI parts) with these primary datasets."""
    data = {"$ana_type": "cms-analysis", **example("cms-analysis")}
    data["basic_info"].pop("cadi_id", None)
    data.pop("cadi_info", None)  # conveners only
    data["input_data"] = {"primary_datasets": datasets}
    return data


def entry(path, triggers, year=None):
    item = {"path": path, "triggers": [{"trigger": name} for name in triggers]}
    if year is not None:
        item["year"] = year
    return item


SM16 = "/SingleMuon/Run2016B-17Jul2018_ver2-v1/MINIAOD"
SM17 = "/SingleMuon/Run2017B-31Mar2018-v1/MINIAOD"


def test_listed_triggers_save(env, example, loaded_triggers):
    data = draft(example, [
        entry(SM16, ["HLT_IsoMu24_v*", "HLT_IsoTkMu24_v4"], year=2016),
        entry(SM17, ["HLT_IsoMu27_v*"]),  # year from the era
        entry(
            "/Tau/Run2016B-17Jul2018_ver2-v1/MINIAOD",
            ["HLT_DoubleMediumIsoPFTau35_Trk1_eta2p1_Reg_v*"],
        ),
    ])
    assert env.service.create(env.users.owner.identity, data)


def test_trigger_of_another_year_is_refused(env, example, loaded_triggers):
    data = draft(example, [entry(SM17, ["HLT_IsoMu27_v*", "HLT_IsoMu24_v*"])])
    data["input_data"]["primary_datasets"][0]["year"] = 2016  # the year given wins
    with pytest.raises(ValidationError) as error:
        env.service.create(env.users.owner.identity, data)
    assert error.value.errors == [
        {
            "field": ["input_data", "primary_datasets", "0", "triggers", "0", "trigger"],
            "message": "'HLT_IsoMu27_v*' is not a trigger of SingleMuon in 2016.",
        }
    ]


def test_unknown_trigger_for_a_dataset_without_a_list(env, example, loaded_triggers):
    data = draft(example, [
        entry("/JetHT/Run2016B-17Jul2018_ver2-v2/MINIAOD", ["HLT_Mu50_v*", "HLT_NoSuchPath_v*"]),
    ])
    with pytest.raises(ValidationError) as error:
        env.service.create(env.users.owner.identity, data)
    # JetHT 2016 has no list: a path known elsewhere passes, an unknown one does not.
    assert error.value.errors == [
        {
            "field": ["input_data", "primary_datasets", "0", "triggers", "1", "trigger"],
            "message": "Unknown trigger 'HLT_NoSuchPath_v*'.",
        }
    ]


def test_nothing_checked_before_a_list_is_loaded(env, example, trigger_index):
    data = draft(example, [entry(SM16, ["HLT_Anything_v1"])])
    assert env.service.create(env.users.owner.identity, data)


def test_check_can_be_switched_off(app, env, example, loaded_triggers):
    data = draft(example, [entry(SM16, ["HLT_Anything_v1"])])
    app.config["CAP_TRIGGERS_VALIDATE"] = False
    try:
        assert env.service.create(env.users.owner.identity, data)
    finally:
        app.config["CAP_TRIGGERS_VALIDATE"] = True


LEGACY_MARKED = {
    "name": "legacy-marked-triggers",
    "version": "0.0.1",
    "experiment": "CMS",
    "is_indexed": False,
    "deposit_schema": {
        "type": "object",
        "properties": {
            "general_title": {"type": "string"},
            "input_data": {"type": "object", "properties": {"primary_datasets": {
                "type": "array",
                "items": {
                    "type": "object",
                    "x-validate-cms-trigger": {},
                    "properties": {
                        "path": {"type": "string"},
                        "year": {"type": "number"},
                        "triggers": {"type": "array", "items": {
                            "type": "object", "properties": {"trigger": {"type": "string"}},
                        }},
                    },
                },
            }}},
        },
    },
}


def test_legacy_mark_on_the_dataset_checks_its_triggers(env, loaded_triggers):
    """Legacy ``x-validate-cms-trigger`` marks the dataset object, not the trigger field."""
    from cap.modules.schemas import api

    api.load_definitions([api.load_definition(LEGACY_MARKED)])
    owner = env.users.owner.identity
    datasets = [entry(SM16, ["HLT_IsoMu24_v*"], year=2016),
                entry(SM17, ["HLT_IsoMu27_v*", "HLT_IsoMu24_v*"], year=2017)]
    data = {"$ana_type": "legacy-marked-triggers", "input_data": {"primary_datasets": datasets}}
    with pytest.raises(ValidationError) as error:
        env.service.create(owner, data)
    assert error.value.errors == [
        {
            "field": ["input_data", "primary_datasets", "1", "triggers", "1", "trigger"],
            "message": "'HLT_IsoMu24_v*' is not a trigger of SingleMuon in 2017.",
        }
    ]
    datasets.pop()
    assert env.service.create(owner, data)
