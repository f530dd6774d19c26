"""A fake host of the DAS dataset list on 127.0.0.1 (what a cron job would publish).

``/datasets.txt`` streams ``lines`` (one dataset name a line, as
``dasgoclient -query="dataset status=*"`` prints them), ``/datasets.txt.gz``
the same gzipped. ``mode``: ``"flaky"`` answers 503 to the first
``flaky_failures`` requests, ``"down"`` always 503, ``"cut"`` drops the
connection halfway through the body.
"""

import gzip

from werkzeug.wrappers import Request, Response

from fakes.upstream import FakeUpstream

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
"""Lines of a list that are not dataset names."""


class FakeDASList(FakeUpstream):
    """A host serving a dataset list (plain or gzipped), as a DAS dump would be."""

    def __init__(self, lines=()):
        """Serve ``lines``."""
        super().__init__()
        self.lines = list(lines)

    def wsgi(self, environ, start_response):
        """Answer one request (the ``cut`` mode writes half a body by hand)."""
        request = Request(environ)
        self.calls.append(request.path)
        if self.mode == "down" or (self.mode == "flaky" and self.flaky_failures > 0):
            self.flaky_failures -= 1
            return Response("Service Unavailable", status=503)(environ, start_response)
        body = "".join(f"{line}\n" for line in self.lines).encode()
        if request.path == "/datasets.txt.gz":
            body = gzip.compress(body)
        elif request.path != "/datasets.txt":
            return Response("not found", status=404)(environ, start_response)
        if self.mode == "cut":
            start_response(
                "200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))]
            )
            return [body[: len(body) // 2]]
        chunks = (body[i:i + 4096] for i in range(0, len(body), 4096))
        return Response(chunks, status=200, content_type="text/plain")(environ, start_response)


def start_das_list(lines=()):
    """A started fake; ``.url`` is its base URL."""
    fake = FakeDASList(lines)
    fake.url = fake.start()
    return fake
