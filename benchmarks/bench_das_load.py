"""Loading a DAS dataset list vs the floor of a raw bulk of the same documents.

The load is ``cap cms load-datasets --file F --replace``'s code path
(``cap.modules.cms.das.api.load`` over ``sources.from_file``): read the file
line by line, parse and classify each name, bulk in chunks into a fresh
index, refresh, switch the alias. The floor bulks the same documents
(built by a bare ``split("/")``, no validation or classification) with the
same chunk size and threads into an index with the same mapping and refresh
off. Both run on a throw-away instance (see ``benchmarks/common.py``) over a
generated list of N realistic names (default 1,000,000). The peak resident
memory of each phase is printed (Linux ``VmHWM``, reset before each phase):
a streamed load stays flat whatever N is.

Run: ``.venv/bin/python -m benchmarks.bench_das_load [N]``
"""

import contextlib
import random
import sys
import tempfile
import time
from pathlib import Path

if not __package__:  # run as a file: python benchmarks/bench_das_load.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import bench_instance, machine, verdict  # noqa: E402

AIM_RATIO = 1.5
AIM_SECONDS_PER_MILLION = 300
AIM_PEAK_MIB = 400

PRIMARY = ["SingleMuon", "DoubleMuon", "SingleElectron", "EGamma", "JetHT", "MET", "Tau",
           "MuonEG", "BTagCSV", "Charmonium", "ZeroBias", "DoubleEG", "SinglePhoton"]
ERAS = [f"Run{year}{era}" for year in range(2010, 2025) for era in "ABCDEFGH"]
SAMPLES = ["DYJetsToLL_M-50", "TTTo2L2Nu", "TTToSemiLeptonic", "WJetsToLNu", "ZprimeToMuMu",
           "GluGluHToTauTau_M125", "QCD_Pt-15to7000", "WZTo3LNu", "ZZTo4L", "ST_tW_top_5f"]
TUNES = ["TuneCUETP8M1_13TeV-madgraphMLM-pythia8", "TuneCP5_13TeV-powheg-pythia8",
         "TuneCP5_13p6TeV_amcatnloFXFX-pythia8"]
CAMPAIGNS = ["RunIISummer16MiniAODv3-PUMoriond17_94X_mcRun2_asymptotic_v3",
             "RunIIFall17MiniAODv2-PU2017_12Apr2018_94X_mc2017_realistic_v14",
             "RunIISummer20UL18MiniAODv2-106X_upgrade2018_realistic_v16_L1v1",
             "Run3Summer22NanoAODv12-130X_mcRun3_2022_realistic_v5"]
DATA_TIERS = ["AOD", "MINIAOD", "NANOAOD", "RAW", "RECO"]
MC_TIERS = ["AODSIM", "MINIAODSIM", "NANOAODSIM", "GEN-SIM"]


def write_list(path, n, seed=7):
    """``n`` distinct, realistic names, one a line (40 % data, 60 % MC), streamed to disk."""
    rng = random.Random(seed)
    with open(path, "w") as out:
        for i in range(n):
            if rng.random() < 0.4:
                name = (f"/{rng.choice(PRIMARY)}/{rng.choice(ERAS)}-"
                        f"{rng.randint(1, 28):02d}Jul{rng.randint(2016, 2024)}_{i}-v1/"
                        f"{rng.choice(DATA_TIERS)}")
            else:
                name = (f"/{rng.choice(SAMPLES)}_{rng.choice(TUNES)}/{rng.choice(CAMPAIGNS)}"
                        f"_ext{i}-v{rng.randint(1, 3)}/{rng.choice(MC_TIERS)}")
            out.write(name + "\n")


def reset_peak():
    """Reset the process's peak RSS (Linux), so each phase reports its own."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def rss_mib(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def floor(path, chunk, threads):
    """Raw parallel bulk of the same documents into a bare index; returns its name."""
    from invenio_search import current_search_client
    from invenio_search.utils import prefix_index
    from opensearchpy.helpers import parallel_bulk

    from cap.modules.cms.das.api import MAPPINGS
    from cap.modules.cms.das.index import ANALYSIS, doc_id

    client = current_search_client._get_current_object()
    index = prefix_index("bench-das-floor")
    client.indices.delete(index=index, ignore=[404])
    client.indices.create(index=index, body={
        "settings": {"analysis": ANALYSIS, "number_of_shards": 1, "number_of_replicas": 0,
                     "refresh_interval": "-1"},
        "mappings": MAPPINGS,
    })

    def actions():
        with open(path) as lines:
            for line in lines:
                name = line.strip()
                _, primary, processed, tier = name.split("/")
                yield {"_index": index, "_id": doc_id(name), "_source": {
                    "name": name, "primary_dataset": primary, "processed_dataset": processed,
                    "tier": tier, "kind": "mc" if "SIM" in tier else "data"}}

    for ok, info in parallel_bulk(client, actions(), thread_count=threads, chunk_size=chunk,
                                  queue_size=threads):
        assert ok, info
    client.indices.put_settings(index=index, body={"index": {"refresh_interval": "1s"}})
    client.indices.refresh(index=index)
    return client, index


QUERIES = {
    "DAS pattern": "dataset=/SingleMuon/*/MINIAOD",
    "prefix (autocomplete)": "/DYJetsToLL_M-50_TuneCP5",
    "words (leading wildcard)": "muon 2017 miniaod",
    "fields": "primary_dataset=Tau tier=NANOAOD year=2018",
}


def time_searches(api, repeat=20):
    """Seconds per search of each query kind, on the loaded index."""
    timings = {}
    for label, text in QUERIES.items():
        values = []
        for _ in range(repeat):
            start = time.perf_counter()
            api.search(text, size=10)
            values.append(time.perf_counter() - start)
        timings[label] = values
    return timings


def summary_ms(values):
    ordered = sorted(values)
    return (f"p50 {ordered[len(ordered) // 2] * 1000:7.1f} ms   "
            f"p95 {ordered[int(len(ordered) * 0.95) - 1] * 1000:7.1f} ms")


def main(n=1_000_000):
    from cap.modules.cms.das import api, sources

    with tempfile.TemporaryDirectory() as folder, bench_instance() as (app, _user):
        path = Path(folder) / "datasets.txt"
        write_list(path, n)
        size_mib = path.stat().st_size / 2**20
        chunk, threads = app.config["CAP_DAS_BULK_CHUNK"], app.config["CAP_DAS_BULK_THREADS"]
        print(f"{machine()}\n{n} names, {size_mib:.0f} MiB; chunk {chunk}, {threads} threads")
        base = rss_mib("VmRSS")

        reset_peak()
        start = time.perf_counter()
        client, floor_index = floor(path, chunk, threads)
        floor_time = time.perf_counter() - start
        floor_peak = rss_mib("VmHWM")
        floor_count = client.count(index=floor_index)["count"]
        client.indices.delete(index=floor_index)

        reset_peak()
        start = time.perf_counter()
        summary = api.load(sources.from_file(path), replace=True)
        load_time = time.perf_counter() - start
        load_peak = rss_mib("VmHWM")
        count = client.count(index=api.dataset_index().alias)["count"]
        searches = time_searches(api)
        api.dataset_index().delete()

        assert count == floor_count == n, (count, floor_count, n)
        ratio = load_time / floor_time
        per_million = load_time * 1_000_000 / n
        print(f"floor (raw bulk)   {floor_time:7.1f} s   {n / floor_time:9.0f} names/s   "
              f"peak RSS {floor_peak:6.0f} MiB")
        print(f"cap load --replace {load_time:7.1f} s   {n / load_time:9.0f} names/s   "
              f"peak RSS {load_peak:6.0f} MiB   "
              f"({summary.data} data, {summary.mc} MC)")
        print(f"RSS before: {base:.0f} MiB")
        for label, values in searches.items():
            print(f"search {label:28s} {summary_ms(values)}")
        print(f"ratio load/floor {ratio:.2f} (aim <= {AIM_RATIO}): {verdict(ratio <= AIM_RATIO)}")
        print(f"per million names {per_million:.0f} s (aim <= {AIM_SECONDS_PER_MILLION}): "
              f"{verdict(per_million <= AIM_SECONDS_PER_MILLION)}")
        print(f"peak RSS {load_peak:.0f} MiB (aim <= {AIM_PEAK_MIB}): "
              f"{verdict(load_peak <= AIM_PEAK_MIB)}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
