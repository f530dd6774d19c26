"""Dataset names are checked on save once a list is loaded (``x-cap-das-dataset``)."""

import json

import pytest

from cap.modules.core.errors import ValidationError
from cap.modules.schemas.api import get_schema, schema_url

UNKNOWN = "/SingleMuon/Run2016B-NotReprocessed-v9/MINIAOD"
MC = (
    "/DYJetsToLL_M-50_TuneCUETP8M1_13TeV-madgraphMLM-pythia8/"
    "RunIISummer16MiniAODv3-PUMoriond17_94X_mcRun2_asymptotic_v3_ext1-v2/MINIAODSIM"
)


def cms_draft(env, example, **changes):
    """The cms-analysis example without CADI parts (one draft per CADI id), changed."""
    data = {"$ana_type": "cms-analysis", **example("cms-analysis")}
    data["basic_info"].pop("cadi_id", None)
    data.pop("cadi_info", None)  # conveners only
    for path, value in changes.items():
        node = data
        *parents, last = path.split(".")
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value
    return data


def test_known_datasets_save(env, example, loaded):
    deposit = env.service.create(env.users.owner.identity, cms_draft(env, example))
    assert deposit["input_data"]["primary_datasets"][0]["path"].startswith("/SingleMuon/")


def test_unknown_dataset_is_refused_naming_the_field(env, example, loaded):
    data = cms_draft(env, example, **{"input_data.primary_datasets.1.path": UNKNOWN})
    with pytest.raises(ValidationError) as error:
        env.service.create(env.users.owner.identity, data)
    assert error.value.errors == [
        {
            "field": ["input_data", "primary_datasets", "1", "path"],
            "message": f"Unknown dataset {UNKNOWN!r}: DAS does not list it.",
        }
    ]


def test_mc_sample_is_not_collision_data(env, example, loaded):
    data = cms_draft(env, example, **{"input_data.primary_datasets.0.path": MC})
    with pytest.raises(ValidationError) as error:
        env.service.create(env.users.owner.identity, data)
    assert error.value.errors[0]["field"] == ["input_data", "primary_datasets", "0", "path"]
    assert "Monte Carlo dataset, not collision data" in error.value.errors[0]["message"]
    data = cms_draft(
        env, example, **{"input_data.mc_samples.2.path": "/Tau/Run2016B-17Jul2018_ver2-v1/MINIAOD"}
    )
    with pytest.raises(ValidationError) as error:
        env.service.create(env.users.owner.identity, data)
    assert error.value.errors[0]["field"] == ["input_data", "mc_samples", "2", "path"]


def test_update_over_http_answers_400(client, env, example, loaded):
    owner = env.users.owner
    deposit = env.service.create(owner.identity, cms_draft(env, example))
    body = cms_draft(env, example)
    del body["$ana_type"]
    body["input_data"]["mc_samples"][0]["path"] = "/Nope/RunIISummer16MiniAODv3-x-v1/MINIAODSIM"
    answer = client.put(f"/deposits/{deposit.pid}", data=json.dumps(body), headers=owner.headers)
    assert answer.status_code == 400
    assert answer.json["errors"] == [
        {
            "field": ["input_data", "mc_samples", "0", "path"],
            "message": "Unknown dataset '/Nope/RunIISummer16MiniAODv3-x-v1/MINIAODSIM': "
            "DAS does not list it.",
        }
    ]


def v2_0_0(data):
    """The draft as cms-analysis v2.0.0, whose dataset path has a pattern (legacy's, and
    v2.1.0's, is a free string that only the DAS check looks at)."""
    del data["$ana_type"]
    return {"$schema": schema_url(get_schema("cms-analysis", "2.0.0")), **data}


def test_schema_errors_come_first(env, example, loaded):
    data = v2_0_0(cms_draft(env, example, **{"input_data.primary_datasets.0.path": "no-slashes"}))
    with pytest.raises(ValidationError) as error:
        env.service.create(env.users.owner.identity, data)
    assert [e["field"] for e in error.value.errors] == [
        ["input_data", "primary_datasets", "0", "path"]
    ]
    # In the schema's words (the field's description), never its pattern.
    assert error.value.errors[0]["message"].startswith(
        "Dataset path is not in the expected form: DAS name, e.g. /SingleMuon/")


def test_lenient_save_leaves_out_the_unknown_dataset_only(env, example, loaded):
    owner = env.users.owner
    deposit = env.service.create(owner.identity, cms_draft(env, example))
    known = deposit["input_data"]["primary_datasets"][1]["path"]
    data = cms_draft(env, example, **{"input_data.primary_datasets.1.path": UNKNOWN})
    del data["$ana_type"]
    data["basic_info"]["abstract"] = "Typed before the bad path."
    saved = env.service.update(owner.identity, deposit.pid, data, lenient=True)
    assert saved["basic_info"]["abstract"] == "Typed before the bad path."
    assert saved["input_data"]["primary_datasets"][1]["path"] == known  # the last saved one
    assert saved.save_errors["not_saved"] == [{
        "field": ["input_data", "primary_datasets", "1", "path"],
        "message": f"Unknown dataset {UNKNOWN!r}: DAS does not list it.",
    }]


def test_lenient_save_keeps_a_pattern_error_the_check_does_not_repeat(env, example, loaded):
    data = v2_0_0(cms_draft(env, example, **{"input_data.primary_datasets.0.path": "no-slashes"}))
    deposit = env.service.create(env.users.owner.identity, data, lenient=True)
    assert deposit["input_data"]["primary_datasets"][0]["path"] == "no-slashes"
    assert deposit.save_errors["not_saved"] == []
    assert [e["field"] for e in deposit.save_errors["errors"]] == [
        ["input_data", "primary_datasets", "0", "path"]
    ]


def test_nothing_checked_before_a_list_is_loaded(env, example, das_index):
    data = cms_draft(env, example, **{"input_data.primary_datasets.0.path": UNKNOWN})
    assert env.service.create(env.users.owner.identity, data)


def test_check_can_be_switched_off(app, env, example, loaded):
    data = cms_draft(env, example, **{"input_data.primary_datasets.0.path": UNKNOWN})
    app.config["CAP_DAS_VALIDATE"] = False
    try:
        assert env.service.create(env.users.owner.identity, data)
    finally:
        app.config["CAP_DAS_VALIDATE"] = True


def test_marked_fields_of_the_schema(env):
    from cap.modules.cms.das.keywords import schema_marked_fields

    fields = schema_marked_fields(env.schemas["cms-analysis"], "x-cap-das-dataset")
    assert fields == [
        (("input_data", "mc_bg_datasets", "*"), "mc"),
        (("input_data", "mc_samples", "*", "path"), "mc"),
        (("input_data", "mc_sig_datasets", "*"), "mc"),
        (("input_data", "primary_datasets", "*", "path"), "data"),
    ]
