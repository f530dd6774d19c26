"""DAS tests: a dataset list, a fake host serving it, and a clean index."""

import pytest

DATASETS = [
    "/SingleMuon/Run2016B-17Jul2018_ver2-v1/MINIAOD",
    "/SingleMuon/Run2016C-17Jul2018-v1/MINIAOD",
    "/SingleMuon/Run2016H-07Aug17-v1/AOD",
    "/SingleMuon/Run2017B-31Mar2018-v1/MINIAOD",
    "/SingleMuon/Run2018A-Nano25Oct2019-v1/NANOAOD",
    "/DoubleMuon/Run2016B-17Jul2018_ver2-v1/MINIAOD",
    "/Tau/Run2016B-17Jul2018_ver2-v1/MINIAOD",
    "/ZeroBias/Run2018A-v1/RAW",
    "/DYJetsToLL_M-50_TuneCUETP8M1_13TeV-madgraphMLM-pythia8/"
    "RunIISummer16MiniAODv3-PUMoriond17_94X_mcRun2_asymptotic_v3_ext1-v2/MINIAODSIM",
    "/TTTo2L2Nu_TuneCUETP8M2_ttHtranche3_13TeV-powheg-pythia8/"
    "RunIISummer16MiniAODv3-PUMoriond17_94X_mcRun2_asymptotic_v3-v1/MINIAODSIM",
    "/GluGluToHHTo2B2Tau_node_SM_13TeV-madgraph/"
    "RunIISummer16MiniAODv3-PUMoriond17_94X_mcRun2_asymptotic_v3-v2/MINIAODSIM",
    "/DYJetsToLL_M-50_TuneCP5_13TeV-madgraphMLM-pythia8/"
    "RunIISummer20UL18wmLHEGEN-106X_upgrade2018_realistic_v4-v1/GEN",
    "/MinBias_TuneCUETP8M1_13TeV-pythia8/RunIISummer15GS-MCRUN2_71_V1-v2/GEN-SIM",
]
"""8 collision-data and 5 Monte Carlo datasets."""

MALFORMED = ["not a dataset", "/only/two", "/a/b/c/d", "/Single Muon/Run2016B/AOD"]


@pytest.fixture(scope="module")
def das_list_server():
    """The fake host of the dataset list."""
    from fakes.das_server import start_das_list

    server = start_das_list(DATASETS)
    yield server
    server.stop()


@pytest.fixture
def das_index(app, das_list_server):
    """No dataset index before the test, none left after it."""
    from cap.modules.cms.das.api import dataset_index

    index = dataset_index()
    index.delete()
    das_list_server.reset()
    yield index
    index.delete()


@pytest.fixture
def datasets_file(tmp_path):
    """The list as a file, with a comment, blank and malformed lines, and a duplicate."""
    path = tmp_path / "datasets.txt"
    lines = ["# dasgoclient -query='dataset status=*'", "", *DATASETS, *MALFORMED, DATASETS[0]]
    path.write_text("\n".join(f"  {line}  " for line in lines) + "\n")
    return path


@pytest.fixture
def loaded(das_index, datasets_file):
    """The list loaded."""
    from cap.modules.cms.das import api, sources

    api.load(sources.from_file(datasets_file), replace=True)
    return das_index
