"""Constructs of the real legacy CAP models, loaded as they are (issue 14).

The definitions under ``data/legacy-models`` are our own, written to hold
what the legacy cms-analysis, atlas-analysis, cms-stats-questionnaire
v0.0.2, lhcb and alice-analysis definitions and the schemas they ``$ref`` do (the legacy files are
GPL-3: not copied): system schemas with ``is_indexed: false`` and empty
mappings (``_deposit`` with tuple ``items``, ``_files`` and ``_review`` as
top-level arrays, ``use_deposit_as_record: false`` without a record
schema), ``$ref`` inside ``dependencies`` and ``oneOf``, a
``$ref`` with a fragment, ``copy_to`` into fields the mapping never
defines, ``_created``/``_updated`` copied into our system dates, a
document-type level without an index body, ``"enabled": "false"`` as a
string, Joda ``YYYY`` in date formats, ``half_float`` and nested
``copy_to``, user mappings of our system fields, a ``$ref``'d draft-06
schema with local ``#/definitions`` references and ``const``, a relative
``$id`` (draft-04 ``id`` too, and ``$id`` on nested fields as lhcb has), a type
that is an array ``$ref``'d three levels deep (alice: trains, their
configuration files' file-grabber objects with an object-level ``x-cap-file``,
derived datasets), definitions without a mapping or form options at all.
"""

import json
from pathlib import Path

import pytest
from invenio_search import current_search_client

from cap.modules.schemas import api
from cap.modules.schemas.cli import schemas as schemas_cli

DATA = Path(__file__).parent / "data" / "legacy-models"
NAMES = ("lm-deposit", "lm-files", "lm-review", "lm-access", "lm-steps", "lm-workflow",
         "lm-likelihood", "lm-limits", "lm-file-grabber", "lm-alice-datasets", "lm-alice-train",
         "lm-analysis", "lm-atlas", "lm-questionnaire", "lm-lhcb", "lm-alice")
TYPES = ("lm-analysis", "lm-atlas", "lm-questionnaire", "lm-lhcb", "lm-alice")
"""The five deposit types (cms-analysis, atlas-analysis, cms-stats-questionnaire, lhcb,
alice-analysis); the other definitions are the schemas they ``$ref``."""


def legacy(name):
    """A fresh copy of one of our legacy-model definitions."""
    return json.loads((DATA / f"{name}.json").read_text())


def post(client, user, body):
    return client.post("/jsonschemas/", headers=user.headers, data=json.dumps(body))


def test_every_definition_posts_as_it_is(client, db, users):
    for name in NAMES:
        answer = post(client, users.superuser, legacy(name))
        assert answer.status_code == 201, (name, answer.json)
    for name in TYPES:  # each deposit type has its indexes (the whole index bodies applied)
        for index in api.index_names(api.get_schema(name)):
            assert current_search_client.indices.exists(index=index), (name, index)
    # use_deposit_as_record false without a record schema: records take any JSON, as in
    # legacy CAP (its record schema column defaulted to {}).
    assert answer.json and api.get_schema("lm-steps").document("record") == {}


def test_cli_loads_the_folder(db, cli_runner):
    result = cli_runner(schemas_cli, None, "load", str(DATA))
    assert result.exit_code == 0, result.output
    for name in NAMES:
        assert api.get_schema(name).version == legacy(name)["version"], name


@pytest.fixture()
def loaded(db, location, users):
    """Every legacy-model definition stored through the service (dependency order)."""
    from cap.modules.schemas.proxies import current_schemas_service as schemas_service

    for name in NAMES:
        schemas_service.create(users.superuser.identity, legacy(name))
    return {name: api.get_schema(name) for name in NAMES}


ANALYSIS = {
    "general_title": "Legacy-model dimuon resonances",
    "full_mode": "true",
    "final_steps": [{"script": "fit.py", "command": "python fit.py"}],
    "checks": [{"kind": "closure", "code": ["closure.C"]}],
    "basic_info": {
        "cadi_id": "ABC-19-001",
        "keywords": {"energy": ["13 TeV"]},
        "notes": ["AN-2019/001"],
    },
    "input_data": {
        "primary_datasets": [
            {"path": "/DoubleMuon/Run2016B-v1/AOD", "year": 2016,
             "triggers": [{"trigger": "HLT_Mu17_v3"}]},
        ],
    },
    "steps": [{"code": "ntuple.py", "processing": [{"command": "cmsRun ntuple.py"}]}],
    "selection": [{"objects": [{"object": "muon", "muon_type": "tight", "pt_cut": "> 20"}]}],
    "cadi_info": {"status": "PUB", "created": "21/03/2019"},
}
ATLAS = {
    "general_title": "Legacy-model ATLAS search",
    "basic_info": {"analysis_title": "A search", "people": [{"orcid": "0000-0002-1825-0097"}]},
    "inputs": [{"script": "run.sh"}],
    "workflows": [{"name": "fit", "spec": {"stages": [{"name": "one"}]}}],
    "likelihoods": {"channels": [{"name": "SR", "samples": [
        {"name": "signal", "data": [1.5, 2.0], "modifiers": [{"name": "lumi", "type": "lumi"}]},
    ]}]},
    "limits": {"cls_expected": [0.04, 0.05], "cls_observed": 0.045},
}
QUESTIONNAIRE = {
    "general_title": "Legacy-model questionnaire answers",
    "context": {"group": "HIG", "cadi_id": "HIG-20-001", "deadline": "2020-06-01"},
    "ml": {"answer": "Yes", "details": [{"command": "train.py"}]},
}
LHCB = {
    "general_title": "Legacy-model LHCb rare decay",
    "basic_info": {
        "analysis_title": "B0 -> K* mu mu", "working_group": "RD", "keywords": "rare",
        "proponents": [{"name": "Ada", "orcid": "0000-0002-1825-0097"}],
    },
    "selections": [{"dataset_type": "real_data", "line": "B2XMuMu", "bookkeeping": ["/LHCb/2018"]}],
    "productions": [{"input_dataset": "/LHCb/2018/DST", "scripts": ["ntuple.py"]}],
    "resources": {"publications": [{"arxiv_id": "2003.04831"}]},
}
ALICE = {
    "general_title": "Legacy-model ALICE flow",
    "basic_info": {"analysis_title": "Anisotropic flow", "description": "v2 in Pb-Pb."},
    "train_analysis": [{
        "train_id": "PWGCF/123", "configuration_files": [
            {"name": {"url": "root://eos/alice/config.C", "key": "config.C"}},
        ],
        "derived_dataset": [{"dataset": "LHC18q", "runs": [{"label": "good", "numbers": ["1"]}]}],
    }],
}


@pytest.mark.parametrize("name, metadata", [
    ("lm-analysis", ANALYSIS), ("lm-atlas", ATLAS), ("lm-questionnaire", QUESTIONNAIRE),
    ("lm-lhcb", LHCB), ("lm-alice", ALICE),
])
def test_documents_save_publish_read_back_and_are_found(loaded, users, refresh, name, metadata):
    from cap.modules.deposit.proxies import current_deposit_service as deposits
    from cap.modules.records.proxies import current_record_service as records

    identity = users.superuser.identity
    assert api.validate(loaded[name], metadata) == []
    draft = deposits.create(identity, {"$ana_type": name, **json.loads(json.dumps(metadata))})
    assert deposits.read(identity, draft.pid).metadata == metadata
    published = deposits.publish(identity, draft.pid)
    assert records.read(identity, published.recid).metadata == metadata
    refresh()
    for kind, index in zip(api.KINDS, api.index_names(loaded[name]), strict=True):
        hits = current_search_client.search(index=index, body={
            "query": {"match_phrase": {"general_title": metadata["general_title"]}},
        })["hits"]["hits"]
        assert len(hits) == 1, kind


def test_refd_schemas_decide_what_publishing_needs(loaded):
    # The workflow schema (by $ref inside oneOf) requires its stages.
    document = {**ATLAS, "workflows": [{"name": "fit", "spec": {}}]}
    assert api.validate(loaded["lm-atlas"], document, full=False) == []
    assert [error["field"] for error in api.validate(loaded["lm-atlas"], document)] == [
        ["workflows", "0", "spec"]
    ]
    # Local $refs inside a $ref'd schema (a pyhf-like likelihood) resolve in that schema.
    document = {**ATLAS, "likelihoods": {"channels": [{"name": "SR", "samples": [{}]}]}}
    assert [error["field"] for error in api.validate(loaded["lm-atlas"], document)] == [
        ["likelihoods", "channels", "0", "samples", "0", "data"],
        ["likelihoods", "channels", "0", "samples", "0", "name"],
    ]
    # The analysis requires its CADI id (basic_info.required), the questionnaire nothing.
    assert [e["field"] for e in api.validate(loaded["lm-analysis"], {"basic_info": {}})] == [
        ["basic_info", "cadi_id"]
    ]
    assert api.validate(loaded["lm-questionnaire"], {}) == []


def test_unmapped_title_gets_the_default_mapping(loaded):
    index = api.index_names(loaded["lm-analysis"])[0]
    mapping = next(iter(current_search_client.indices.get_mapping(index=index).values()))
    title = mapping["mappings"]["properties"]["general_title"]
    assert title["type"] == "text" and title["fields"]["raw"]["type"] == "keyword"


def test_a_ref_that_no_longer_resolves_refuses_the_save(db, loaded, users):
    from cap.modules.core.errors import ValidationError
    from cap.modules.deposit.proxies import current_deposit_service as deposits

    db.session.delete(loaded["lm-steps"])
    db.session.commit()
    steps_url = "https://analysispreservation.cern.ch/schemas/deposits/records/lm-steps-v0.0.1.json"
    expected = [{"field": [], "message": f"The schema refers to {steps_url}, which cannot be "
                                         "resolved."}]
    schema = api.get_schema("lm-analysis")
    assert api.validate(schema, ANALYSIS) == expected
    assert api.validate_draft(schema, ANALYSIS) == (expected, [])  # split_draft_errors
    for lenient in (False, True):
        with pytest.raises(ValidationError) as refused:
            deposits.create(users.superuser.identity, {"$ana_type": "lm-analysis", **ANALYSIS},
                            lenient=lenient)
        assert refused.value.errors == expected


def test_the_form_inlines_refs_and_their_local_refs(loaded):
    form = api.resolve_refs(loaded["lm-atlas"].document("deposit"))["properties"]
    channel = form["likelihoods"]["properties"]["channels"]["items"]
    assert channel["required"] == ["name", "samples"]
    assert channel["properties"]["samples"]["items"]["required"] == ["name", "data"]
    assert form["limits"]["properties"]["cls_observed"] == {"type": "number"}


@pytest.mark.parametrize("name", TYPES)
def test_generated_documents_save_publish_and_read_back(loaded, users, name):
    """Documents hypothesis-jsonschema draws from the legacy definitions (``$ref`` inlined)."""
    from hypothesis import HealthCheck, assume, given, settings
    from hypothesis import strategies as st
    from hypothesis_jsonschema import from_schema
    from support.storable import storable

    from cap.modules.deposit.proxies import current_deposit_service as deposits
    from cap.modules.records.proxies import current_record_service as records

    identity = users.superuser.identity
    strategy = from_schema(api.resolve_refs(loaded[name].document("record")))

    @settings(max_examples=3, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.data())
    def check(data):
        document = data.draw(strategy)
        # Top-level extras (additionalProperties) named like system keys are not user data.
        assume(storable(document) and not any(
            key.startswith(("_", "$")) or key == "control_number" for key in document))
        draft = deposits.create(identity, {"$ana_type": name, **json.loads(json.dumps(document))})
        published = deposits.publish(identity, draft.pid)
        assert records.read(identity, published.recid).metadata == document

    check()
