"""A record's bucket on public names: ``bucket`` reads (once) and sets it; files
list their stored MIME type, else one guessed from the key."""

import io

from invenio_files_rest.models import Bucket, ObjectVersion

from cap.modules.records.api import PublishedRecord, dump_files


def test_setting_the_bucket_names_it_and_keeps_it(db, location, recorded_statements):
    first, second = Bucket.create(), Bucket.create()
    db.session.commit()
    record = PublishedRecord({"title": "t"})
    record.bucket = first
    assert record["_bucket"] == str(first.id)
    with recorded_statements() as statements:
        assert record.bucket is first
    assert statements == []  # kept: no look-up
    # JSON naming another bucket wins over the kept object.
    record["_bucket"] = str(second.id)
    assert record.bucket.id == second.id
    record["_bucket"] = ""
    assert record.bucket is None


def test_files_list_the_stored_or_guessed_mimetype(db, location):
    bucket = Bucket.create()
    ObjectVersion.create(bucket, "table.csv", stream=io.BytesIO(b"a,b"))
    ObjectVersion.create(bucket, "notes.bin", stream=io.BytesIO(b"x"), mimetype="text/markdown")
    db.session.commit()
    mimetypes = {entry["key"]: entry["mimetype"] for entry in dump_files(bucket, "http://x/api")}
    assert mimetypes == {"table.csv": "text/csv", "notes.bin": "text/markdown"}
