"""Which storage class serves a URI, and the factory files-rest is given."""

import pytest
from invenio_files_rest.models import FileInstance

from cap.modules.files.storage import (
    CAPFileStorage,
    CAPS3FileStorage,
    CAPXRootDFileStorage,
    UnsupportedLocationError,
    storage_class_for,
    storage_factory,
)


@pytest.mark.parametrize(
    ("uri", "storage_class"),
    [
        ("/var/cap/data/ab/cd/data", CAPFileStorage),
        ("file:///var/cap/data", CAPFileStorage),
        ("root://eosproject.cern.ch//eos/project/c/cap/ab/data", CAPXRootDFileStorage),
        ("roots://eosproject.cern.ch//eos/x", CAPXRootDFileStorage),
        ("s3://cap-files/ab/cd/data", CAPS3FileStorage),
        ("S3://cap-files/x", CAPS3FileStorage),
    ],
)
def test_the_scheme_picks_the_storage_class(uri, storage_class):
    assert storage_class_for(uri) is storage_class


def test_an_unknown_scheme_is_named():
    with pytest.raises(UnsupportedLocationError, match="no storage backend for gs://"):
        storage_class_for("gs://bucket/x")


def test_files_rest_uses_our_factory_whichever_extension_loads_first(app):
    # invenio-xrootd's extension sets its EOS factory as a default: ours wins.
    assert app.config["FILES_REST_STORAGE_FACTORY"] == "cap.modules.files.storage:storage_factory"


def test_a_stored_file_keeps_its_backend_a_new_one_gets_its_location_s(app):
    stored = FileInstance(id="0" * 32, uri="root://host:1094//cap/00/data", size=3)
    assert isinstance(storage_factory(fileinstance=stored, default_location="s3://b/"),
                      CAPXRootDFileStorage)
    new = FileInstance(id="1" * 32, size=3)
    storage = storage_factory(fileinstance=new, default_location="s3://cap-files/")
    assert isinstance(storage, CAPS3FileStorage)
    assert storage.fileurl.startswith("s3://cap-files/11/11/")
