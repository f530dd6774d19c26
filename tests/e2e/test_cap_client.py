"""The ``cap-client`` 1.4 commands (PyPI, unchanged) against a live CAP.

Each command runs the real binary in a subprocess with a CMS member's
personal token, as physicists' scripts do. Assertions cover what the client
prints and what the server then holds (the published record with its frozen
file snapshot).
"""

import copy
import hashlib
import itertools
import json
import re
import time
from types import SimpleNamespace

import pytest
import requests

TITLE = "Search for heavy resonances decaying to muon pairs"
# One draft per CADI analysis (cms.cadi.checks): each analysis of the module its own id.
CADI_IDS = (f"EXO-21-{n:03d}" for n in itertools.count(901))


@pytest.fixture(scope="module")
def people(create_user, experiment_roles):
    """A CMS member who deposits, and a CMS colleague (known to CAP) to share with."""
    return SimpleNamespace(
        physicist=create_user("e2e-physicist@cern.ch", roles=["cms-members@cern.ch"]),
        colleague=create_user("e2e-colleague@cern.ch", roles=["cms-members@cern.ch"]),
    )


@pytest.fixture
def cli(cap_client, people, tmp_path):
    """``cli(*args)``: run cap-client as the physicist in a scratch directory."""

    def run(*args, user=None):
        result = cap_client(user or people.physicist, *args, cwd=tmp_path)
        print("$ cap-client", " ".join(args), "->", result.returncode)
        print(result.stdout, result.stderr)
        return result

    return run


def ok(result):
    """The command succeeded; its stdout (JSON) parsed when it is JSON."""
    assert result.returncode == 0, result.stdout + result.stderr
    try:
        return json.loads(result.stdout)
    except ValueError:
        return result.stdout


@pytest.fixture
def analysis(example):
    """A cms-analysis that passes full validation and that a member may write.

    ``cadi_info`` is left out: only CMS conveners may set it (field
    permissions); the CADI id (required to publish) is one of its own.
    """
    metadata = copy.deepcopy(example("cms-analysis"))
    metadata.pop("cadi_info", None)
    metadata["basic_info"]["cadi_id"] = next(CADI_IDS)
    metadata["general_title"] = TITLE
    return metadata


def api(cap_server, user, path, **kwargs):
    """GET an API path as ``user`` with a Bearer token (the server's side of things)."""
    headers = {"Authorization": f"Bearer {user.token}", **kwargs.pop("headers", {})}
    return requests.get(f"{cap_server}/api/{path}", headers=headers, timeout=30, **kwargs)


def wait_for(fetch, seconds=10):
    """Poll ``fetch`` until it returns something truthy (the index refreshes each second)."""
    deadline = time.time() + seconds
    while True:
        value = fetch()
        if value or time.time() > deadline:
            return value
        time.sleep(0.3)


def test_analysis_types(cli):
    types = ok(cli("analysis", "types"))
    assert "cms-analysis" in types
    assert not any(name.startswith("atlas") for name in types)


def test_documented_create_with_general_title(cli):
    """cap-client's own documentation: ``analysis create -j '{"general_title": ...}'``."""
    created = ok(cli("analysis", "create", "-j", '{"general_title": "My analysis"}',
                     "-t", "cms-analysis"))
    assert created["metadata"] == {"general_title": "My analysis"}
    assert ok(cli("analysis", "get", "--pid", created["pid"]))["metadata"] == {
        "general_title": "My analysis"}


def test_capture_and_preserve(cli, cap_server, people, analysis, tmp_path):
    # analysis create: POST deposits/ (201), then PUT of the metadata (200).
    created = ok(cli("analysis", "create", "-j", json.dumps(analysis), "-t", "cms-analysis"))
    pid = created["pid"]
    assert re.fullmatch(r"[0-9a-f]{32}", pid)
    assert created["recid"] is None
    assert created["metadata"] == analysis

    # analysis get --pid: basic serialization, user fields only.
    draft = ok(cli("analysis", "get", "--pid", pid))
    assert draft["pid"] == pid
    assert draft["metadata"]["general_title"] == TITLE
    assert not any(key.startswith("_") or key == "$schema" for key in draft["metadata"])

    # analysis get (my drafts, from the search index).
    mine = wait_for(lambda: ok(cli("analysis", "get")))
    assert [hit["pid"] for hit in mine] == [pid]

    # metadata update --field: a JSON Patch replace of /general_title.
    updated = ok(cli(
        "metadata", "update", "--pid", pid, "--field", "general_title", "--json", '"New"',
    ))
    assert updated["metadata"]["general_title"] == "New"
    assert ok(cli("metadata", "get", "--pid", pid, "--field", "general_title")) == "New"

    # files upload / files get: PUT <links.bucket>/<name>, then the draft's file list.
    content = b"void analysis() { /* dimuon selection */ }\n" * 100
    (tmp_path / "selection.C").write_bytes(content)
    assert "File uploaded successfully." in ok(
        cli("files", "upload", "--pid", pid, str(tmp_path / "selection.C"))
    )
    md5 = "md5:" + hashlib.md5(content).hexdigest()
    files = ok(cli("files", "get", "--pid", pid))
    assert [(f["key"], f["size"], f["checksum"]) for f in files] == [
        ("selection.C", len(content), md5)
    ]
    draft_bucket = files[0]["bucket"]

    # files download: GET <links.bucket>/<name>.
    assert "File saved as" in ok(cli(
        "files", "download", "--pid", pid, "selection.C", "-o", "downloaded.C",
    ))
    assert (tmp_path / "downloaded.C").read_bytes() == content

    # analysis publish: POST actions/publish (202), prints the minted recid.
    published = ok(cli("analysis", "publish", "--pid", pid))
    match = re.search(r"with PID: (CAP\.CMS\.[A-Z0-9]{4}\.[A-Z0-9]{4})$", published.strip())
    assert match, published
    recid = match.group(1)

    # analysis get-published: my records, from the search index.
    records = wait_for(lambda: ok(cli("analysis", "get-published")))
    assert [(r["pid"], r["recid"]) for r in records] == [(recid, recid)]
    assert records[0]["metadata"]["general_title"] == "New"
    assert ok(cli("analysis", "get-published", "--pid", recid))["metadata"] == dict(
        analysis, general_title="New"
    )

    # The server: the record shows its frozen file, in a snapshot bucket.
    record = api(cap_server, people.physicist, f"records/{recid}").json()
    assert record["type"] == "record"
    assert record["draft_id"] == pid
    [frozen] = record["files"]
    assert (frozen["key"], frozen["size"], frozen["checksum"]) == ("selection.C", len(content), md5)
    assert frozen["bucket"] != draft_bucket
    assert record["links"]["bucket"].endswith(frozen["bucket"])
    download = requests.get(
        frozen["links"]["self"],
        headers={"Authorization": f"Bearer {people.physicist.token}"}, timeout=30,
    )
    assert download.status_code == 200
    assert download.content == content
    # ... and the published draft's bucket is locked: the client's upload is refused.
    (tmp_path / "late.txt").write_bytes(b"too late")
    late = cli("files", "upload", "--pid", pid, str(tmp_path / "late.txt"))
    assert late.returncode == 1
    assert "permissions" in late.stdout + late.stderr
    assert [f["key"] for f in record["files"]] == ["selection.C"]


def test_permissions(cli, cap_server, people, analysis):
    pid = ok(cli("analysis", "create", "-j", json.dumps(analysis), "-t", "cms-analysis"))["pid"]
    owner = people.physicist.email

    initial = ok(cli("permissions", "get", "--pid", pid))
    assert {level: grant["users"] for level, grant in initial.items()} == {
        "read": [owner], "update": [owner], "admin": [owner],
    }

    # A user known to CAP, two rights at once.
    added = ok(cli(
        "permissions", "add", "--pid", pid, "-u", people.colleague.email, "-r", "read",
        "-r", "update",
    ))
    assert people.colleague.email in added["read"]["users"]
    assert people.colleague.email in added["update"]["users"]
    assert people.colleague.email not in added["admin"]["users"]
    # ... who can now read the draft with their own token.
    assert ok(cli("analysis", "get", "--pid", pid, user=people.colleague))["pid"] == pid

    # An e-group (found in the CERN directory).
    added = ok(cli("permissions", "add", "--pid", pid, "-e", "cms-higgs-conveners@cern.ch",
                   "-r", "read"))
    assert "cms-higgs-conveners@cern.ch" in added["read"]["roles"]

    assert ok(cli("permissions", "get", "--pid", pid)) == added

    removed = ok(cli("permissions", "remove", "--pid", pid, "-u", people.colleague.email,
                     "-r", "read", "-r", "update"))
    assert people.colleague.email not in removed["read"]["users"]
    assert people.colleague.email not in removed["update"]["users"]
    assert "cms-higgs-conveners@cern.ch" in removed["read"]["roles"]
    refused = cli("analysis", "get", "--pid", pid, user=people.colleague)
    assert refused.returncode == 1

    # The colleague (no admin right) cannot share.
    denied = cli("permissions", "add", "--pid", pid, "-u", people.colleague.email, "-r", "admin",
                 user=people.colleague)
    assert denied.returncode == 1


def test_client_errors(cli, cap_client, people, analysis):
    # A bad token: the client's own 401 message.
    bad = cap_client(SimpleNamespace(token="not-a-token"), "analysis", "types")
    assert bad.returncode == 1
    assert "not authorized" in bad.stdout + bad.stderr

    # An unknown type: 400, the server's message.
    unknown = cli("analysis", "create", "-j", "{}", "-t", "no-such-type")
    assert unknown.returncode == 1
    assert "no-such-type" in unknown.stdout + unknown.stderr

    # Publishing an incomplete draft: 422, nothing published.
    # (basic_info without its cadi_id, which publishing requires)
    pid = ok(cli("analysis", "create", "-j", '{"general_title": "WIP", "basic_info": {}}',
                 "-t", "cms-analysis"))["pid"]
    refused = cli("analysis", "publish", "--pid", pid)
    assert refused.returncode == 1
    assert "not ready to publish" in refused.stdout + refused.stderr
    assert ok(cli("analysis", "get", "--pid", pid))["recid"] is None

    # An unknown pid: 404.
    assert cli("analysis", "get", "--pid", "0" * 32).returncode == 1

    # delete (never-published draft, owner is admin): 204.
    assert "has been deleted" in ok(cli("analysis", "delete", "--pid", pid))
    assert cli("analysis", "get", "--pid", pid).returncode == 1


def test_client_prints_field_paths(cli):
    """cap-client joins ``errors[].field`` with dots: the server sends path parts."""
    draft = {"general_title": "WIP",
             "basic_info": {"cadi_id": "EXO-20-777", "people_info": [{"name": "Ada"}]},
             "input_data": {"primary_datasets": [{"year": 2016}]}}
    pid = ok(cli("analysis", "create", "-j", json.dumps(draft), "-t", "cms-analysis"))["pid"]

    # Publishing an incomplete analysis (422): the missing field, readably.
    refused = cli("analysis", "publish", "--pid", pid)
    assert refused.returncode == 1
    output = refused.stdout + refused.stderr
    assert "not ready to publish" in output
    assert "input_data.primary_datasets.0.path Dataset path is required" in output
    assert "b.a.s.i.c" not in output

    # Updating with a bad value (400): the field the client was told to change.
    bad = cli("metadata", "update", "--pid", pid, "--field", "basic_info.cadi_id",
              "--json", '"not-a-cadi-id"')
    assert bad.returncode == 1
    output = bad.stdout + bad.stderr
    # The schema upper-cases CADI ids (x-cap-normalize) before it checks them.
    assert ("basic_info.cadi_id A CADI ID is three letters or digits, two digits and three "
            "digits, e.g. HIG-21-004") in output
    assert "^[A-Z0-9]" not in output
    assert "Traceback" not in output and "unexpected error" not in output

    # A value inside a list: the index is one part of the path.
    bad = cli("metadata", "update", "--pid", pid, "--field", "basic_info.people_info",
              "--json", '[{"name": "Ada", "orcid": "0000"}]')
    assert bad.returncode == 1
    output = bad.stdout + bad.stderr
    assert ("basic_info.people_info.0.orcid ORCID iD is not in the expected form: "
            "e.g. 0000-0002-1825-0097") in output
    assert "Traceback" not in output

    # A field that is not there yet (the patch does not apply): named all the same.
    missing = cli("metadata", "update", "--pid", pid, "--field", "basic_info.abstract",
                  "--json", '"A dimuon search."')
    assert missing.returncode == 1
    assert "basic_info.abstract can't replace a non-existent object" in \
        missing.stdout + missing.stderr

    # Nothing was saved.
    assert ok(cli("analysis", "get", "--pid", pid))["metadata"] == draft
