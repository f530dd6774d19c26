"""Fixity: stored files re-read, mismatches and missing files found, admins alerted once."""

import io
import uuid

import pytest
from invenio_access.permissions import system_identity
from invenio_files_rest.models import FileInstance, ObjectVersion
from invenio_files_rest.tasks import schedule_checksum_verification
from invenio_pidstore.models import PersistentIdentifier, PIDStatus
from support.storage import on_every_backend

from cap.modules.core.errors import PermissionDeniedError
from cap.modules.files.cli import files as files_cli
from cap.modules.files.fixity import MISMATCH, UNREADABLE, FixityService
from cap.modules.files.tasks import alert_fixity_failures


@pytest.fixture
def stored(db, make_draft, files_location):
    """A draft with three files (deposit id ``fx1``), a second draft with one;
    ``stored.backend`` reads and writes their bytes behind CAP's back."""

    def make(deposit_id, keys):
        record = make_draft(deposit_id)
        PersistentIdentifier.create("depid", deposit_id, object_type="rec",
                                    object_uuid=record.id, status=PIDStatus.REGISTERED)
        versions = {
            key: ObjectVersion.create(
                record.bucket, key, stream=io.BytesIO(f"content of {key}".encode())
            )
            for key in keys
        }
        return record, versions

    first, first_files = make("fx1", ["intact.txt", "corrupted.txt", "missing.txt"])
    second, second_files = make("fx2", ["other.txt"])
    db.session.commit()
    return StoredFiles(first_files | second_files, files_location.backend)


class StoredFiles(dict):
    """key -> object version, and the backend holding their bytes."""

    def __init__(self, versions, backend):
        super().__init__(versions)
        self.backend = backend


def path_of(version):
    return version.file.uri


def corrupt(version, backend):
    """Same size, other bytes: only a checksum finds it."""
    backend.write(path_of(version), bytes(reversed(backend.read(path_of(version)))))


@on_every_backend
def test_verify_finds_a_changed_and_a_missing_file(stored):
    corrupt(stored["corrupted.txt"], stored.backend)
    stored.backend.remove(path_of(stored["missing.txt"]))

    failed = FixityService().verify(system_identity)

    statuses = {result.uses[0].key: result.status for result in failed}
    assert statuses == {"corrupted.txt": MISMATCH, "missing.txt": UNREADABLE}
    (mismatch,) = [r for r in failed if r.status == MISMATCH]
    assert mismatch.uses[0].pid == "fx1"
    assert mismatch.checksum == stored["corrupted.txt"].file.checksum
    intact = FileInstance.query.get(stored["intact.txt"].file_id)
    assert intact.last_check is True and intact.last_check_at is not None


def test_verify_one_record_reads_only_its_files(stored):
    corrupt(stored["other.txt"], stored.backend)
    record_id = PersistentIdentifier.get("depid", "fx1").object_uuid

    assert FixityService().count(system_identity, record_id=record_id) == 3
    assert FixityService().verify(system_identity, record_id=record_id) == []
    assert FileInstance.query.get(stored["other.txt"].file_id).last_check_at is None


@on_every_backend
def test_the_scheduled_check_runs_the_beat_entry_as_configured(app, stored):
    """The beat entry of cap/config.py, run as beat would run it (eager here)."""
    corrupt(stored["corrupted.txt"], stored.backend)
    entry = app.config["CELERY_BEAT_SCHEDULE"]["files-fixity"]
    assert entry["task"] == schedule_checksum_verification.name
    # One batch of a 30-day cycle reads 1/720 of the files, at least one:
    # a cycle of one hour reads them all in its single batch.
    kwargs = dict(entry["kwargs"], frequency={"hours": 1})
    schedule_checksum_verification.apply(kwargs=kwargs)

    checked = FileInstance.query.filter(FileInstance.last_check_at.isnot(None)).all()
    assert len(checked) == 4
    assert {f.id: f.last_check for f in checked}[stored["corrupted.txt"].file_id] is False


@pytest.mark.parametrize("files_location", ["xrootd"], indirect=True)
def test_xrootd_server_checksums_can_stand_in_for_a_reread(app, stored, monkeypatch):
    """The server's MD5 (``xrootd.chksum md5``) is what CAP stored; a file
    rewritten behind CAP's back gets a new one (its mtime changed)."""
    monkeypatch.setitem(app.config, "CAP_FILES_XROOTD_SERVER_CHECKSUM", True)
    intact = stored["intact.txt"].file
    assert intact.storage().checksum() == intact.checksum
    corrupt(stored["corrupted.txt"], stored.backend)
    failed = FixityService().verify(system_identity)
    assert [(r.uses[0].key, r.status) for r in failed] == [("corrupted.txt", MISMATCH)]


def test_the_scheduled_check_runs_on_an_instance_without_files(app, db):
    entry = app.config["CELERY_BEAT_SCHEDULE"]["files-fixity"]
    assert schedule_checksum_verification.apply(kwargs=entry["kwargs"]).successful()


def test_admins_are_mailed_once_per_failed_check(app, stored):
    corrupt(stored["corrupted.txt"], stored.backend)
    service = FixityService()
    service.verify(system_identity)
    mail = app.extensions["mail"]

    with mail.record_messages() as outbox:
        assert alert_fixity_failures() == 1
        assert alert_fixity_failures() == 0  # already alerted
    (message,) = outbox
    assert message.recipients == app.config["CAP_FILES_FIXITY_ALERT_RECIPIENTS"]
    assert "fixity check failed for 1 file" in message.subject
    assert path_of(stored["corrupted.txt"]) in message.body
    assert "fx1: corrupted.txt" in message.body

    # Checked again and still wrong: a new failed check, a new alert.
    service.verify(system_identity)
    with mail.record_messages() as outbox:
        assert alert_fixity_failures() == 1
    assert len(outbox) == 1


@on_every_backend
def test_a_repaired_file_leaves_the_report(stored):
    version = stored["corrupted.txt"]
    corrupt(version, stored.backend)
    service = FixityService()
    service.verify(system_identity)
    assert [r.status for r in service.report(system_identity)] == [MISMATCH]

    corrupt(version, stored.backend)  # reversed twice: the original bytes
    assert service.verify(system_identity) == []
    assert service.report(system_identity) == []
    assert FileInstance.query.get(version.file_id).last_check is True


def test_checks_and_the_report_are_for_superusers(stored, users):
    service = FixityService()
    for call in (service.report, service.verify, service.unalerted_failures):
        with pytest.raises(PermissionDeniedError):
            call(users.owner.identity)
    assert service.verify(users.admin.identity) == []


def test_report_endpoint_lists_failures_with_their_record(client, stored, users):
    corrupt(stored["corrupted.txt"], stored.backend)
    FixityService().verify(system_identity)

    answer = client.get("/admin/fixity", headers=users.admin.headers)

    assert answer.status_code == 200
    (hit,) = answer.json["hits"]["hits"]
    assert hit["status"] == MISMATCH
    assert hit["uses"][0]["pid"] == "fx1" and hit["uses"][0]["key"] == "corrupted.txt"
    assert client.get("/admin/fixity", headers=users.owner.headers).status_code == 403
    assert client.get("/admin/fixity").status_code == 401


def test_recheck_endpoint_reads_one_file_again(client, db, stored, users):
    version = stored["corrupted.txt"]
    corrupt(version, stored.backend)
    FixityService().verify(system_identity)
    url = f"/admin/fixity/{version.file_id}/verify"
    assert client.post(url, headers=users.owner.headers).status_code == 403
    assert client.post(url).status_code == 401

    other = FileInstance.query.get(stored["other.txt"].file_id)
    other_checked_at = other.last_check_at
    corrupt(version, stored.backend)  # repaired
    answer = client.post(url, headers=users.admin.headers)

    assert answer.status_code == 200
    assert answer.json["status"] == "ok" and answer.json["uses"][0]["key"] == "corrupted.txt"
    assert client.get("/admin/fixity", headers=users.admin.headers).json["hits"]["total"] == 0
    db.session.refresh(other)
    assert other.last_check_at == other_checked_at  # only the file asked for was read
    unknown = client.post(f"/admin/fixity/{uuid.uuid4()}/verify", headers=users.admin.headers)
    assert unknown.status_code == 404


def run(app, *args):
    return app.test_cli_runner().invoke(files_cli, list(args))


def test_cli_verify_all_reports_and_exits_1(app, stored):
    corrupt(stored["corrupted.txt"], stored.backend)
    result = run(app, "verify", "--all")
    assert result.exit_code == 1, result.output
    assert "4 file(s) checked, 1 failed" in result.output
    assert f"{MISMATCH}" in result.output and "fx1:corrupted.txt" in result.output


def test_cli_verify_failed_rechecks_only_those(app, stored):
    corrupt(stored["corrupted.txt"], stored.backend)
    run(app, "verify", "--all")
    corrupt(stored["corrupted.txt"], stored.backend)  # repaired
    result = run(app, "verify", "--failed")
    assert result.exit_code == 0, result.output
    assert "1 file(s) checked, 0 failed" in result.output
    assert FileInstance.query.get(stored["corrupted.txt"].file_id).last_check is True


def test_cli_verify_one_record_and_refusals(app, stored):
    result = run(app, "verify", "--record", "fx2")
    assert result.exit_code == 0, result.output
    assert "1 file(s) checked, 0 failed" in result.output
    assert run(app, "verify").exit_code == 2
    unknown = run(app, "verify", "--record", "nope")
    assert unknown.exit_code == 2 and "no record or draft has the id 'nope'" in unknown.output


def test_cli_keeps_files_rest_commands(app):
    assert {"bucket", "location", "verify"} <= set(files_cli.commands)
    from invenio_files_rest.cli import files as upstream

    assert "verify" not in upstream.commands
