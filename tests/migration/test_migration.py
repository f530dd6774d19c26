"""``cap migrate legacy``: a legacy CAP export (written here, in the legacy shape) imported.

The export is one JSON per deposit or record revision, as legacy CAP's
database gives them, and a files folder ``<deposit id>/<key>``.
"""

import copy
import hashlib
import json
import time

import pytest
from invenio_access.permissions import system_identity
from invenio_pidstore.models import PersistentIdentifier
from invenio_search import current_search_client
from invenio_search.utils import build_alias_name

from cap.modules.core.errors import PermissionDeniedError
from cap.modules.deposit.records.api import Deposit
from cap.modules.migration.cli import migrate
from cap.modules.migration.legacy import read_export
from cap.modules.migration.service import LegacyImportService
from cap.modules.records.api import PublishedRecord

LEGACY_URL = "https://analysispreservation.cern.ch/schemas"
DRAFT_ID = "a1b2c3d4e5f60718293a4b5c6d7e8f90"
PUBLISHED_ID = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
RECID = "CAP.CMS.LEG1.0001"

METADATA = {
    "general_title": "Legacy dimuon resonance search",
    "basic_info": {
        "cadi_id": "EXO-19-018",
        "abstract": "Dimuon resonances",
        "ana_notes": ["AN-2019/042"],
        "analysis_keywords": {"final_states": ["Muon"], "collision_system": ["p-p"]},
    },
    "cadi_info": {"status": "PUB", "created": "12/03/2019"},
    "input_data": {"mc_sig_datasets": ["/ZdToMuMu/RunIIFall17-v1/AODSIM"]},
}
FILES = {"analysis.py": b"print('selection')\n", "notes/summary.txt": b"Run 2 limits\n"}


def md5(content):
    return "md5:" + hashlib.md5(content).hexdigest()  # noqa: S324


def files_entries(files, bucket="legacy-bucket"):
    return [
        {"bucket": bucket, "key": key, "checksum": md5(content), "size": len(content),
         "version_id": f"v-{index}"}
        for index, (key, content) in enumerate(sorted(files.items()))
    ]


def legacy_deposit(depid, owner, colleague, metadata=METADATA, files=FILES, status="draft",
                   recid=None):
    data = copy.deepcopy(metadata)
    data["$schema"] = f"{LEGACY_URL}/deposits/records/cms-analysis-v0.0.1.json"
    data["_deposit"] = {"id": depid, "status": status, "owners": [owner], "created_by": owner}
    if recid:
        data["_deposit"]["pid"] = {"type": "recid", "value": recid, "revision_id": 1}
    data["_access"] = {
        "deposit-read": {"users": [owner, colleague], "roles": ["cms-members@cern.ch"]},
        "deposit-update": {"users": [owner], "roles": []},
        "deposit-admin": {"users": [owner], "roles": []},
    }
    data["_files"] = files_entries(files)
    data["_experiment"] = "CMS"
    return data


def legacy_record(depid, owner, recid, revision, metadata, files=FILES):
    data = copy.deepcopy(metadata)
    data["$schema"] = f"{LEGACY_URL}/records/cms-analysis-v0.0.1.json"
    data["control_number"] = recid
    data["revision_id"] = revision
    data["_deposit"] = {"id": depid, "owners": [owner], "created_by": owner,
                        "pid": {"type": "recid", "value": recid, "revision_id": revision}}
    data["_access"] = {"record-read": {"users": [owner], "roles": ["cms-members@cern.ch"]}}
    data["_files"] = files_entries(files)
    return data


@pytest.fixture
def export(tmp_path, users):
    """An export folder and its files folder: a draft, and a deposit published twice."""
    root, files_dir = tmp_path / "export", tmp_path / "files"
    root.mkdir()
    owner, colleague = users.owner.id, users.colleague.id
    first = dict(METADATA, general_title="Legacy published analysis")
    second = dict(first, general_title="Legacy published analysis, revised")
    documents = {
        "draft.json": legacy_deposit(DRAFT_ID, owner, colleague),
        "published.json": legacy_deposit(PUBLISHED_ID, owner, colleague, metadata=second,
                                         status="published", recid=RECID),
        "record-r0.json": legacy_record(PUBLISHED_ID, owner, RECID, 0, first,
                                        files={"analysis.py": b"first version\n"}),
        "record-r1.json": legacy_record(PUBLISHED_ID, owner, RECID, 1, second),
    }
    for name, data in documents.items():
        (root / name).write_text(json.dumps(data))
    for depid in (DRAFT_ID, PUBLISHED_ID):
        for key, content in FILES.items():
            path = files_dir / depid / key
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
    old = files_dir / RECID / "analysis.py"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"first version\n")
    return root, files_dir, documents


def run(app, *args):
    return app.test_cli_runner().invoke(migrate, ["legacy", *map(str, args)])


def checksums(bucket):
    return {obj.key: obj.file.checksum for obj in bucket.objects if obj.is_head and obj.file}


def statuses(outcomes):
    return {outcome.depid: outcome.status for outcome in outcomes}


def test_import_keeps_ids_owners_grants_revisions_and_files(env, export, app):
    root, files_dir, documents = export
    result = run(app, root, "--files-dir", files_dir)
    assert result.exit_code == 0, result.output
    assert "created        2" in result.output and "failed         0" in result.output

    draft = Deposit.get_by_pid(DRAFT_ID)
    assert draft.metadata == METADATA
    assert draft.status == "draft" and not draft.is_published
    assert draft["_deposit"]["owners"] == [env.users.owner.id]
    assert draft["_deposit"]["created_by"] == env.users.owner.id
    assert draft["_access"]["deposit-read"] == {
        "users": [env.users.owner.id, env.users.colleague.id], "roles": ["cms-members@cern.ch"]}
    assert checksums(draft.bucket) == {key: md5(content) for key, content in FILES.items()}
    assert draft["$schema"].endswith("/schemas/deposits/records/cms-analysis-v2.1.0.json")

    published = Deposit.get_by_pid(PUBLISHED_ID)
    record = PublishedRecord.get_by_pid(RECID)
    assert published.status == "published" and published.recid == RECID
    assert published["_deposit"]["pid"]["revision_id"] == record.revision_id
    assert record["control_number"] == RECID and record["_deposit"]["id"] == PUBLISHED_ID
    assert record.metadata["general_title"] == "Legacy published analysis, revised"
    assert record["_access"]["record-read"]["roles"] == ["cms-members@cern.ch"]
    assert {f["key"]: f["checksum"] for f in record["_files"]} == {
        key: md5(content) for key, content in FILES.items()}
    # Both legacy revisions, oldest first; the first froze its own version of the file.
    first = record.revision(record.revision_id - 1)
    assert first.metadata["general_title"] == "Legacy published analysis"
    assert {f["key"]: f["checksum"] for f in first["_files"]} == {
        "analysis.py": md5(b"first version\n")}
    assert checksums(first.bucket) == {"analysis.py": md5(b"first version\n")}

    # Found by search on the title, like any draft.
    current_search_client.indices.refresh(index=build_alias_name("deposits"))
    hits = current_search_client.search(index=build_alias_name("deposits"), body={
        "query": {"match_phrase": {"general_title": "dimuon resonance"}}})["hits"]["hits"]
    assert [hit["_source"]["_deposit"]["id"] for hit in hits] == [DRAFT_ID]


def test_running_again_changes_nothing_then_updates_what_differs(env, export, app):
    root, files_dir, documents = export
    service = LegacyImportService()
    first = service.import_export(system_identity, read_export(root), files_dir=files_dir)
    assert statuses(first) == {DRAFT_ID: "created", PUBLISHED_ID: "created"}
    record_revision = PublishedRecord.get_by_pid(RECID).revision_id
    again = service.import_export(system_identity, read_export(root), files_dir=files_dir)
    assert statuses(again) == {DRAFT_ID: "unchanged", PUBLISHED_ID: "unchanged"}
    assert PublishedRecord.get_by_pid(RECID).revision_id == record_revision

    changed = documents["draft.json"]
    changed["basic_info"]["abstract"] = "Dimuon resonances, updated"
    changed["_access"]["deposit-update"]["users"].append(env.users.colleague.id)
    del changed["_files"][1]
    (root / "draft.json").write_text(json.dumps(changed))
    third = service.import_export(system_identity, read_export(root), files_dir=files_dir)
    assert statuses(third) == {DRAFT_ID: "updated", PUBLISHED_ID: "unchanged"}
    draft = Deposit.get_by_pid(DRAFT_ID)
    assert draft["basic_info"]["abstract"] == "Dimuon resonances, updated"
    assert env.users.colleague.id in draft["_access"]["deposit-update"]["users"]
    assert set(checksums(draft.bucket)) == {"analysis.py"}


def test_dry_run_reports_and_writes_nothing(env, export, app):
    root, files_dir, _ = export
    result = run(app, root, "--files-dir", files_dir, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Dry run: nothing written" in result.output and "created        2" in result.output
    assert PersistentIdentifier.query.filter_by(pid_value=DRAFT_ID).count() == 0
    assert PersistentIdentifier.query.filter_by(pid_value=RECID).count() == 0


def test_failures_are_named_and_the_rest_is_imported(env, export, app):
    root, files_dir, documents = export
    bad_checksum = legacy_deposit("b" * 32, env.users.owner.id, env.users.colleague.id)
    bad_checksum["_files"][0]["checksum"] = "md5:" + "0" * 32
    (files_dir / ("b" * 32)).mkdir()
    for key, content in FILES.items():
        path = files_dir / ("b" * 32) / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    missing_file = legacy_deposit("c" * 32, env.users.owner.id, env.users.colleague.id)
    unknown_owner = legacy_deposit("d" * 32, 999999, env.users.colleague.id, files={})
    invalid = legacy_deposit("e" * 32, env.users.owner.id, env.users.colleague.id, files={},
                             metadata={"basic_info": {"cadi_id": "not a cadi id"}})
    unknown_type = legacy_deposit("f" * 32, env.users.owner.id, env.users.colleague.id, files={})
    unknown_type["$schema"] = f"{LEGACY_URL}/deposits/records/no-such-type-v0.0.1.json"
    for name, data in [("bad-checksum", bad_checksum), ("missing-file", missing_file),
                       ("unknown-owner", unknown_owner), ("invalid", invalid),
                       ("unknown-type", unknown_type)]:
        (root / f"{name}.json").write_text(json.dumps(data))
    (root / "not-legacy.json").write_text(json.dumps({"title": "no _deposit"}))
    (root / "broken.json").write_text("{")

    result = run(app, root, "--files-dir", files_dir)
    assert result.exit_code == 1
    assert "created        2" in result.output and "failed         7" in result.output
    assert "checksum differs from md5:0000" in result.output
    assert "analysis.py: not found in" in result.output
    assert "User 999999 does not exist here." in result.output
    assert "basic_info.cadi_id" in result.output
    assert "Unknown deposit type 'no-such-type'" in result.output
    assert "_deposit.id: The deposit id is needed." in result.output
    assert "Cannot read" in result.output
    for depid in ("b" * 32, "c" * 32, "d" * 32, "e" * 32, "f" * 32):
        assert PersistentIdentifier.query.filter_by(pid_value=depid).count() == 0
    assert Deposit.get_by_pid(DRAFT_ID).metadata == METADATA


def test_files_need_a_files_folder(env, export, app):
    root, _, _ = export
    result = run(app, root / "draft.json")
    assert result.exit_code == 1
    assert "files are listed but no files folder or URL is given" in result.output


def test_only_superusers_import(env, export):
    root, files_dir, _ = export
    with pytest.raises(PermissionDeniedError):
        LegacyImportService().import_export(env.users.owner.identity, read_export(root),
                                            files_dir=files_dir)
    outcomes = LegacyImportService().import_export(env.users.admin.identity, read_export(root),
                                                   files_dir=files_dir, dry_run=True)
    assert statuses(outcomes) == {DRAFT_ID: "created", PUBLISHED_ID: "created"}


# Files downloaded from URLs
# ==========================

FILES_TEMPLATE = "{base}/api/files/{{bucket}}/{{key}}"


@pytest.fixture(scope="module")
def files_server():
    """The fake legacy files endpoint."""
    from fakes.files_server import start_legacy_files

    server = start_legacy_files()
    yield server
    server.stop()


@pytest.fixture
def url_export(export, files_server):
    """The export of :func:`export`, its files served by bucket and key (no folder):
    the first record revision froze its own bucket, as legacy snapshots do."""
    root, _, documents = export
    first = documents["record-r0.json"]
    for entry in first["_files"]:
        entry["bucket"] = "legacy-bucket-r0"
    (root / "record-r0.json").write_text(json.dumps(first))
    files_server.reset()
    files_server.files = {("legacy-bucket", key): content for key, content in FILES.items()}
    files_server.files[("legacy-bucket-r0", "analysis.py")] = b"first version\n"
    yield root, FILES_TEMPLATE.format(base=files_server.url)
    files_server.reset()


def test_files_are_downloaded_from_urls_and_verified(env, url_export, files_server, app):
    root, template = url_export
    result = run(app, root, "--files-url", template)
    assert result.exit_code == 0, result.output
    assert "created        2" in result.output
    draft = Deposit.get_by_pid(DRAFT_ID)
    assert checksums(draft.bucket) == {key: md5(content) for key, content in FILES.items()}
    first = PublishedRecord.get_by_pid(RECID)
    first = first.revision(first.revision_id - 1)
    assert checksums(first.bucket) == {"analysis.py": md5(b"first version\n")}
    # A key with a slash is one path; each URL is downloaded once per run.
    assert sorted(files_server.calls) == [
        "/api/files/legacy-bucket-r0/analysis.py?",
        "/api/files/legacy-bucket/analysis.py?",
        "/api/files/legacy-bucket/notes/summary.txt?",
    ]
    assert "unchanged      2" in run(app, root, "--files-url", template).output


def test_a_flaky_upstream_is_retried(env, url_export, files_server):
    root, template = url_export
    files_server.mode, files_server.flaky_failures = "flaky", 2
    outcomes = LegacyImportService().import_export(
        system_identity, read_export(root), files_url=template,
        download_settings={"backoff": 0.01},
    )
    assert statuses(outcomes) == {DRAFT_ID: "created", PUBLISHED_ID: "created"}


def test_download_failures_are_named_and_write_nothing(env, url_export, files_server):
    root, template = url_export
    files_server.files[("legacy-bucket", "analysis.py")] = b"tampered\n"
    del files_server.files[("legacy-bucket", "notes/summary.txt")]
    outcomes = LegacyImportService().import_export(
        system_identity, read_export(root), files_url=template,
        download_settings={"backoff": 0.01, "retries": 0},
    )
    failed = next(outcome for outcome in outcomes if outcome.depid == DRAFT_ID)
    assert failed.status == "failed"
    messages = [reason["message"] for reason in failed.reasons]
    assert messages[0].startswith("analysis.py: checksum differs from md5:")
    assert messages[1].startswith("notes/summary.txt: ")
    assert messages[1].endswith("/api/files/legacy-bucket/notes/summary.txt: answered 404.")
    assert PersistentIdentifier.query.filter_by(pid_value=DRAFT_ID).count() == 0


def test_a_silent_upstream_times_out(env, url_export, files_server):
    root, template = url_export
    files_server.mode, files_server.delay = "slow", 3
    started = time.monotonic()
    outcomes = LegacyImportService().import_export(
        system_identity, read_export(root / "draft.json"), files_url=template,
        download_settings={"timeout": 0.5, "retries": 1, "backoff": 0.01},
    )
    assert time.monotonic() - started < 2.5 * 3  # two attempts of the two files, cut short
    assert outcomes[0].status == "failed"
    assert "no answer within 0.5 s" in outcomes[0].reasons[0]["message"]
