"""Loading the DAS dataset list: file, URL, command, CLI, replace, failures, status."""

import sys

import pytest
from fakes.das_server import DATASETS
from invenio_search import current_search_client

from cap.modules.cms.das import api, sources
from cap.modules.cms.das.cli import load_datasets
from cap.modules.services.proxies import current_status


def all_names():
    return {hit["name"] for hit in api.search("", size=100)[1]}


def test_load_file_counts_and_skips_malformed(das_index, datasets_file):
    summary = api.load(sources.from_file(datasets_file))
    assert summary.read == len(DATASETS) + 4 + 1  # + malformed + duplicate
    assert summary.malformed == 4
    assert "/only/two" in summary.examples
    assert (summary.data, summary.mc) == (8 + 1, 5)  # the duplicate counted once more
    assert all_names() == set(DATASETS)  # stored once
    assert api.search("", kind="data", size=100)[0] == 8
    assert api.search("", kind="mc", size=100)[0] == 5
    state = current_status.read()["das"]
    assert state["status"] == "ok"
    assert "14 datasets" in state["last_success"]["message"]


def test_load_adds_unless_replace(das_index, tmp_path, datasets_file):
    api.load(sources.from_file(datasets_file))
    first_index = das_index.current_indexes()
    extra = tmp_path / "extra.txt"
    extra.write_text("/SingleElectron/Run2016B-17Jul2018_ver2-v1/MINIAOD\n")
    api.load(sources.from_file(extra))
    assert das_index.current_indexes() == first_index
    assert len(all_names()) == len(DATASETS) + 1
    summary = api.load(sources.from_file(extra), replace=True)
    assert all_names() == {"/SingleElectron/Run2016B-17Jul2018_ver2-v1/MINIAOD"}
    assert das_index.current_indexes() == [summary.index]
    assert summary.replaced == first_index
    assert not current_search_client.indices.exists(index=first_index[0])


def test_failed_replace_keeps_the_current_index(das_index, datasets_file, das_list_server):
    api.load(sources.from_file(datasets_file))
    before = das_index.current_indexes()
    das_list_server.mode = "cut"
    with pytest.raises(sources.SourceError):
        api.load(sources.from_url(das_list_server.url + "/datasets.txt", 5, 0), replace=True)
    assert das_index.current_indexes() == before
    assert all_names() == set(DATASETS)
    # The half-built index is gone too.
    built = current_search_client.indices.get(index=das_index.alias.replace(
        das_index.name, das_index.name + "-*"))
    assert sorted(built) == before
    assert current_status.read()["das"]["status"] == "failing"


def test_load_from_url_with_retry_and_gzip(das_index, das_list_server):
    das_list_server.mode = "flaky"
    api.load(sources.from_url(das_list_server.url + "/datasets.txt", 5, 2, backoff=0.01))
    assert das_list_server.calls == ["/datasets.txt", "/datasets.txt"]
    assert all_names() == set(DATASETS)
    das_index.delete()
    api.load(sources.from_url(das_list_server.url + "/datasets.txt.gz", 5, 0))
    assert all_names() == set(DATASETS)


def test_url_down(das_index, das_list_server):
    das_list_server.mode = "down"
    with pytest.raises(sources.SourceError, match="HTTP 503"):
        api.load(sources.from_url(das_list_server.url + "/datasets.txt", 5, 1, backoff=0.01))
    assert len(das_list_server.calls) == 2
    assert not das_index.exists()


def test_load_from_command(das_index, tmp_path):
    script = "import sys; sys.stdout.write(open(sys.argv[1]).read())"
    listing = tmp_path / "l.txt"
    listing.write_text("\n".join(DATASETS[:3]))
    api.load(sources.from_command([sys.executable, "-c", script, str(listing)]))
    assert all_names() == set(DATASETS[:3])


def test_failing_command(das_index):
    failing = [sys.executable, "-c", "import sys; print('/a/b/c'); sys.exit('no proxy')"]
    with pytest.raises(sources.SourceError, match="exited with 1: no proxy"):
        api.load(sources.from_command(failing), replace=True)
    assert not das_index.exists()
    with pytest.raises(sources.SourceError, match="Cannot run"):
        list(sources.from_command(["/nonexistent/dasgoclient"]))


def test_cli(app, das_index, datasets_file, das_list_server):
    runner = app.test_cli_runner()
    result = runner.invoke(load_datasets, ["--file", str(datasets_file), "--replace"])
    assert result.exit_code == 0, result.output
    assert "14 datasets indexed" in result.output
    assert "9 data, 5 Monte Carlo" in result.output
    assert "4 malformed lines skipped" in result.output
    result = runner.invoke(load_datasets, ["--url", das_list_server.url + "/missing.txt"])
    assert result.exit_code == 1
    assert "HTTP 404" in result.output
    result = runner.invoke(load_datasets, ["--file", "a", "--url", "b"])
    assert result.exit_code == 2
    app.config["CAP_DAS_COMMAND"] = [sys.executable, "-c", "print('/A/Run2016B-v1/AOD')"]
    try:
        result = runner.invoke(load_datasets, ["--command", "--replace"])
    finally:
        app.config["CAP_DAS_COMMAND"] = ["dasgoclient", "-query=dataset status=*"]
    assert result.exit_code == 0, result.output
    assert all_names() == {"/A/Run2016B-v1/AOD"}


def test_nothing_loaded_yet(client, users, das_index):
    answer = client.get(
        "/cms/datasets", query_string={"query": "SingleMuon"}, headers=users.owner.headers
    )
    assert answer.status_code == 200
    assert answer.json == {"total": 0, "hits": []}
