"""``snapshot_bucket`` against invenio-files-rest's own ``Bucket.snapshot`` on the same bucket."""

import io

import pytest
from invenio_db import db as db_
from invenio_files_rest.errors import BucketLockedError, InvalidOperationError
from invenio_files_rest.models import Bucket, ObjectVersion, ObjectVersionTag
from sqlalchemy import event
from support.storage import on_every_backend

from cap.modules.files.snapshots import snapshot_bucket


def _put(bucket, key, content, mimetype=None):
    return ObjectVersion.create(bucket, key, stream=io.BytesIO(content), mimetype=mimetype)


@pytest.fixture
def source(db, files_location):
    """A bucket with quota and max file size, versions, a delete marker, tags and a MIME type."""
    bucket = Bucket.create(quota_size=10_000, max_file_size=5_000)
    _put(bucket, "a.txt", b"first version")
    _put(bucket, "a.txt", b"second version, the head")
    tagged = _put(bucket, "data/b.csv", b"x,y\n1,2\n", mimetype="text/csv")
    ObjectVersionTag.create(tagged, "kind", "table")
    ObjectVersionTag.create(tagged, "origin", "cadi")
    _put(bucket, "gone.txt", b"removed later")
    ObjectVersion.delete(bucket, "gone.txt")  # head is a delete marker
    _put(bucket, "empty.bin", b"")
    db.session.commit()
    return bucket


def describe(bucket):
    """Everything a snapshot is made of, without the ids that are new by design."""
    objects = ObjectVersion.get_by_bucket(bucket, versions=True, with_deleted=True).all()
    return {
        "bucket": {
            "default_location": bucket.default_location,
            "default_storage_class": bucket.default_storage_class,
            "quota_size": bucket.quota_size,
            "max_file_size": bucket.max_file_size,
            "size": bucket.size,
            "locked": bucket.locked,
            "deleted": bucket.deleted,
        },
        "objects": sorted(
            (
                obj.key,
                obj.is_head,
                str(obj.file_id),
                obj.file.checksum,
                obj.file.size,
                obj._mimetype,
                obj.mimetype,
                tuple(sorted(obj.get_tags().items())),
            )
            for obj in objects
        ),
    }


@on_every_backend
@pytest.mark.parametrize("lock", [True, False])
def test_snapshot_matches_files_rest(db, source, lock):
    ours = snapshot_bucket(source, lock=lock)
    theirs = source.snapshot(lock=lock)
    db.session.commit()
    expected = describe(theirs)
    assert describe(ours) == expected
    assert ours.id not in (source.id, theirs.id)
    # The heads only (no old version, no delete marker), files shared by reference.
    keys = [row[0] for row in expected["objects"]]
    assert keys == ["a.txt", "data/b.csv", "empty.bin"]
    heads = {obj.key: obj.file_id for obj in ObjectVersion.get_by_bucket(source)}
    assert {obj.key: obj.file_id for obj in ObjectVersion.get_by_bucket(ours)} == heads
    assert expected["bucket"]["size"] == len(b"second version, the head") + len(b"x,y\n1,2\n")
    assert expected["bucket"]["locked"] is lock
    # New object versions, not the source's rows.
    source_ids = {obj.version_id for obj in ObjectVersion.get_by_bucket(source)}
    assert source_ids.isdisjoint(obj.version_id for obj in ObjectVersion.get_by_bucket(ours))


def test_snapshot_of_a_locked_bucket_stays_locked(db, source):
    source.locked = True
    ours = snapshot_bucket(source, lock=False)
    theirs = source.snapshot(lock=False)
    db.session.commit()
    assert ours.locked is True
    assert describe(ours) == describe(theirs)
    with pytest.raises(BucketLockedError):
        ObjectVersion.create(ours, "new.txt", stream=io.BytesIO(b"no"))


def test_unlocked_snapshot_is_an_independent_bucket(db, source):
    ours = snapshot_bucket(source, lock=False)
    db.session.commit()
    _put(ours, "a.txt", b"changed in the copy")
    ObjectVersion.delete(ours, "empty.bin")
    db.session.commit()
    assert ObjectVersion.get(source, "a.txt").file.size == len(b"second version, the head")
    assert ObjectVersion.get(source, "empty.bin") is not None
    assert ObjectVersion.get(ours, "empty.bin") is None


def test_snapshot_of_an_empty_bucket(db, location):
    bucket = Bucket.create()
    db.session.commit()
    ours = snapshot_bucket(bucket, lock=True)
    theirs = bucket.snapshot(lock=True)
    db.session.commit()
    assert describe(ours) == describe(theirs)
    assert describe(ours)["objects"] == [] and ours.size == 0


def test_deleted_bucket_is_refused_like_files_rest(db, source):
    source.deleted = True
    with pytest.raises(InvalidOperationError) as theirs:
        source.snapshot()
    with pytest.raises(InvalidOperationError) as ours:
        snapshot_bucket(source)
    assert type(ours.value) is type(theirs.value)


def _count_queries(callable_):
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = db_.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        callable_()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_snapshot_query_count_does_not_grow_with_files(db, location):
    def bucket_with(count):
        bucket = Bucket.create()
        for number in range(count):
            obj = _put(bucket, f"f{number:03d}.txt", b"data %d" % number)
            ObjectVersionTag.create(obj, "n", str(number))
        db.session.commit()
        return bucket

    small, large = bucket_with(2), bucket_with(40)
    small_queries = _count_queries(lambda: snapshot_bucket(small, lock=True))
    large_queries = _count_queries(lambda: snapshot_bucket(large, lock=True))
    db.session.commit()
    assert large_queries == small_queries
    assert small_queries <= 8


API = "https://cap.example/api"


def test_dump_of_the_copies_is_what_reading_the_snapshot_gives(source):
    from cap.modules.records.api import dump_copies, dump_files

    files = dump_files(source, API)
    assert [f["key"] for f in files] == ["a.txt", "data/b.csv", "empty.bin"]
    assert files[1]["mimetype"] == "text/csv"
    assert files[1]["tags"] == {"kind": "table", "origin": "cadi"}
    assert dump_files(str(source.id), API) == files  # by id, the same
    versions = {}
    snapshot = snapshot_bucket(source, versions=versions)
    db_.session.commit()
    copies = dump_copies(files, snapshot.id, versions, API)
    assert copies == dump_files(snapshot, API)
    # The copy's MIME type is guessed from the key, as files-rest's copy does.
    assert copies[1]["mimetype"] == "text/csv"
    assert {c["version_id"] for c in copies}.isdisjoint({f["version_id"] for f in files})
    # A dump that does not match the snapshot's sources is refused, not patched up.
    assert dump_copies(files[:2], snapshot.id, versions, API) is None


def test_publish_answers_and_stores_the_files_as_read_back(env, complete, add_file):
    from flask import current_app

    from cap.modules.records.api import dump_files

    owner = env.users.owner
    deposit = env.service.create(owner.identity, {"$ana_type": "generic", **complete})
    add_file(deposit, "notes.md", b"# notes")
    tagged = add_file(deposit, "data/table.csv", b"x,y\n")
    ObjectVersionTag.create(tagged, "kind", "table")
    ObjectVersion.create(deposit.bucket, "custom.dat", stream=io.BytesIO(b"1"),
                         mimetype="application/x-custom")
    db_.session.commit()
    published = env.service.publish(owner.identity, deposit.pid)
    api_url = current_app.config["SITE_API_URL"]
    assert published.files == dump_files(published["_bucket"], api_url)
    record = env.records.read(owner.identity, published.recid)
    assert record["_files"] == dump_files(record["_bucket"], api_url)
    assert [f["key"] for f in record["_files"]] == ["custom.dat", "data/table.csv", "notes.md"]
    assert record["_files"][1]["tags"] == {"kind": "table"}
