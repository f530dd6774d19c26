"""Dataset names: parsing, data/MC split, DAS-style query parsing."""

import re

import pytest

from cap.modules.cms.das import names, query
from cap.modules.cms.das.config import CAP_DAS_MC_CAMPAIGNS
from cap.modules.core.errors import InvalidRequestError

CAMPAIGNS = re.compile(CAP_DAS_MC_CAMPAIGNS)


@pytest.mark.parametrize(
    ("name", "kind", "year"),
    [
        ("/SingleMuon/Run2016B-17Jul2018_ver2-v1/MINIAOD", "data", 2016),
        ("/SingleMuon/Run2018A-Nano25Oct2019-v1/NANOAOD", "data", 2018),
        ("/ZeroBias/Run2018A-v1/RAW", "data", 2018),
        ("/HIDoubleMuon/HIRun2018A-04Apr2019-v1/AOD", "data", 2018),
        ("/Muon/Run2022D-PromptReco-v2/MINIAOD", "data", 2022),
        (
            "/DYJetsToLL_M-50_TuneCUETP8M1_13TeV-madgraphMLM-pythia8/"
            "RunIISummer16MiniAODv3-PUMoriond17_94X_mcRun2_asymptotic_v3_ext1-v2/MINIAODSIM",
            "mc",
            None,
        ),
        ("/MinBias_TuneCUETP8M1_13TeV-pythia8/RunIISummer15GS-MCRUN2_71_V1-v2/GEN-SIM", "mc", None),
        ("/DY/RunIISummer20UL18wmLHEGEN-106X_upgrade2018_realistic_v4-v1/GEN", "mc", None),
        # MC by campaign name even with a data-like tier
        ("/TTJets/RunIIFall17DRPremix-94X_mc2017_realistic_v10-v1/AOD", "mc", None),
        ("/TTJets/Summer12_DR53X-PU_S10_START53_V7A-v1/AOD", "mc", None),
        ("/TT/Run3Summer22MiniAODv4-130X_mcRun3_2022_realistic_v5-v2/MINIAODSIM", "mc", None),
    ],
)
def test_classify(name, kind, year):
    doc = names.document(name, CAMPAIGNS)
    assert doc["kind"] == kind
    assert doc.get("year") == year
    assert "/" + "/".join([doc["primary_dataset"], doc["processed_dataset"], doc["tier"]]) == name


@pytest.mark.parametrize("line", ["SingleMuon", "/a/b", "/a/b/c/d", "/a b/c/d", "/a/*/c", "a/b/c"])
def test_malformed_names(line):
    assert names.document(line, CAMPAIGNS) is None


@pytest.mark.parametrize(
    ("text", "clauses"),
    [
        ("", []),
        ("dataset=/SingleMuon/*/MINIAOD",
         [{"wildcard": {"name.lower": {"value": "/singlemuon/*/miniaod"}}}]),
        ("dataset dataset=/SingleMuon/*/MINIAOD status=*",
         [{"wildcard": {"name.lower": {"value": "/singlemuon/*/miniaod"}}}]),
        ("/SingleMuon/Run2016", [{"wildcard": {"name.lower": {"value": "/singlemuon/run2016*"}}}]),
        ("SingleMuon MINIAOD", [
            {"wildcard": {"name.lower": {"value": "*singlemuon*"}}},
            {"wildcard": {"name.lower": {"value": "*miniaod*"}}},
        ]),
        ("primary_dataset=Tau tier=MINIAOD year=2016", [
            {"wildcard": {"primary_dataset.lower": {"value": "tau"}}},
            {"wildcard": {"tier.lower": {"value": "miniaod"}}},
            {"term": {"year": 2016}},
        ]),
        ("what?", [{"wildcard": {"name.lower": {"value": "*what\\?*"}}}]),
    ],
)
def test_query(text, clauses):
    assert query.parse(text) == clauses


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("site=T2_CH_CERN", "Unknown key 'site'"),
        ("year=twenty", "year must be a number"),
        ("dataset=", "Give a value after dataset="),
        ("x" * 501, "longer than 500"),
    ],
)
def test_bad_query(text, message):
    with pytest.raises(InvalidRequestError) as error:
        query.parse(text)
    assert message in error.value.message
    assert error.value.errors[0]["field"] == ["query"]
