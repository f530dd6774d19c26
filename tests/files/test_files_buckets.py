"""``new_bucket`` makes what files-rest's ``Bucket.create`` makes, without a savepoint."""

from invenio_db import db as db_
from invenio_files_rest.models import Bucket
from sqlalchemy import event, text


def columns(bucket):
    return {
        name: getattr(bucket, name)
        for name in ("default_location", "default_storage_class", "size", "quota_size",
                     "max_file_size", "locked", "deleted")
    }


def test_same_bucket_as_files_rest_fewer_statements(db, location):
    from cap.modules.files.buckets import new_bucket

    db_.session.execute(text("SELECT 1"))  # the test's own transaction is open
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db_.engine, "before_cursor_execute", count)
    try:
        ours = new_bucket()
        assert ours.id is not None  # known before the flush
        db_.session.flush()
    finally:
        event.remove(db_.engine, "before_cursor_execute", count)
    theirs = Bucket.create()
    db_.session.commit()
    assert columns(Bucket.get(ours.id)) == columns(Bucket.get(theirs.id))
    assert columns(Bucket.get(ours.id))["default_location"] == location.id
    assert not any("SAVEPOINT" in statement for statement in statements), statements
