"""``cap files location create|list|migrate``: a record's files moved between
backends, every copy checked against the stored checksum."""

import hashlib
import io

import pytest
from invenio_files_rest.models import FileInstance, Location, ObjectVersion
from invenio_pidstore.models import PersistentIdentifier, PIDStatus
from support.storage import BACKENDS

from cap.modules.files.cli import files as files_cli

CONTENTS = {
    "data/events.bin": bytes(range(256)) * 4000,  # 1 MB, several chunks
    "code/fit.py": b"print('fit')\n",
    "empty.txt": b"",
}
PAIRS = [(a, b) for a in BACKENDS for b in BACKENDS if a != b]


def run(app, *args):
    return app.test_cli_runner().invoke(files_cli, list(args))


@pytest.fixture
def record(db, make_draft):
    """A draft (deposit id ``mv1``) with three files, one in two versions."""
    draft = make_draft("mv1")
    PersistentIdentifier.create("depid", "mv1", object_type="rec", object_uuid=draft.id,
                                status=PIDStatus.REGISTERED)
    ObjectVersion.create(draft.bucket, "code/fit.py", stream=io.BytesIO(b"old version"))
    for key, content in CONTENTS.items():
        ObjectVersion.create(draft.bucket, key, stream=io.BytesIO(content))
    db.session.commit()
    return draft


def uris(record):
    versions = ObjectVersion.get_by_bucket(record.bucket, versions=True).all()
    return {v.file.uri for v in versions}


@pytest.mark.parametrize(("files_location", "target"), PAIRS, indirect=["files_location"])
def test_migrate_moves_every_version_and_checks_it(app, client, users, record, files_location,
                                                   backend_for, target, auth):
    old_uris = uris(record)
    source = files_location.backend
    destination = backend_for(target)
    uri = destination.new_location_uri()
    created = run(app, "location", "create", "moved-here", uri)
    assert created.exit_code == 0, created.output

    result = run(app, "location", "migrate", "--record", "mv1", "--to", "moved-here")

    assert result.exit_code == 0, result.output
    assert f"4 file(s), {sum(map(len, CONTENTS.values())) + 11} bytes moved" in result.output
    new_uris = uris(record)
    assert len(new_uris) == 4 and all(u.startswith(uri) for u in new_uris)
    assert not any(source.exists(old) for old in old_uris)  # the old bytes are gone
    for key, content in CONTENTS.items():
        answer = client.get(f"/files/{record.bucket_id}/{key}", headers=auth(users.owner))
        assert answer.status_code == 200 and answer.data == content, key
        version = ObjectVersion.get(record.bucket_id, key)
        assert destination.read(version.file.uri) == content
        assert version.file.checksum == f"md5:{hashlib.md5(content).hexdigest()}"
    # New files of the draft go to the new location too.
    assert record.bucket.location.name == "moved-here"
    added = client.put(f"/files/{record.bucket_id}/new.txt", data=b"new",
                       headers=auth(users.owner))
    assert added.status_code == 200
    assert ObjectVersion.get(record.bucket_id, "new.txt").file.uri.startswith(uri)
    # Moving again finds nothing left to move.
    again = run(app, "location", "migrate", "--record", "mv1", "--to", "moved-here")
    assert again.exit_code == 0 and "0 file(s), 0 bytes moved" in again.output


def test_a_copy_that_does_not_match_is_refused_and_nothing_moves(app, record, files_location,
                                                                 backend_for):
    events = ObjectVersion.get(record.bucket_id, "data/events.bin")
    backend = files_location.backend
    backend.write(events.file.uri, b"rotten" + CONTENTS["data/events.bin"][6:])
    target = backend_for("local").new_location_uri()
    run(app, "location", "create", "elsewhere", target)

    result = run(app, "location", "migrate", "--record", "mv1", "--to", "elsewhere")

    assert result.exit_code == 1
    assert "does not match" in result.output and str(events.file_id) in result.output
    still = FileInstance.query.get(events.file_id)
    assert not still.uri.startswith(target)
    assert record.bucket.location.name != "elsewhere"


def test_create_names_what_is_wrong(app, record):
    bad = run(app, "location", "create", "ftp-loc", "ftp://example.org/cap")
    assert bad.exit_code == 1 and "no storage backend for ftp://" in bad.output
    assert Location.get_by_name("ftp-loc") is None
    run(app, "location", "create", "twice", "/tmp/cap-twice")
    again = run(app, "location", "create", "twice", "/tmp/cap-twice")
    assert again.exit_code == 1 and "exists already" in again.output
    listed = run(app, "location", "list")
    assert "twice /tmp/cap-twice" in listed.output
    unknown = run(app, "location", "migrate", "--record", "mv1", "--to", "nowhere")
    assert unknown.exit_code == 1 and "no files location is named 'nowhere'" in unknown.output
