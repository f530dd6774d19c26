"""The files location runs out of space mid-upload: a 507 naming it, nothing half-written."""

import os
import subprocess
import tempfile

import pytest
from invenio_files_rest.models import FileInstance, Location, ObjectVersion

MIB = 1024 * 1024


@pytest.fixture(scope="module")
def small_disk():
    """A 1 MiB tmpfs (a real file system that fills up), mounted for the module."""
    mount_point = tempfile.mkdtemp(prefix="cap-full-disk-")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mount_point], check=True)
    yield mount_point
    subprocess.run(["umount", mount_point], check=True)
    os.rmdir(mount_point)


@pytest.fixture(scope="module")
def location(database, small_disk):
    """The default files location, on the small disk."""
    location = Location(name="small-disk", uri=small_disk, default=True)
    database.session.add(location)
    database.session.commit()
    return location


@pytest.fixture(scope="module")
def draft(cms_draft):
    return cms_draft("full-disk@cern.ch", "Big files")


def files_on(folder):
    return [os.path.join(path, name) for path, _, names in os.walk(folder) for name in names]


def test_an_upload_larger_than_the_free_space_is_refused_with_507(client, draft, small_disk):
    owner, item = draft
    bucket = item.data["_bucket"]
    headers = {"Authorization": f"Bearer {owner.token}", "Content-Type": "application/octet-stream"}

    answer = client.put(f"/files/{bucket}/big.bin", headers=headers, data=os.urandom(2 * MIB))

    assert answer.status_code == 507, answer.get_data(as_text=True)
    assert answer.json["status"] == 507
    assert "no space left" in answer.json["message"].lower()
    assert ObjectVersion.get(bucket, "big.bin") is None
    assert files_on(small_disk) == []
    assert FileInstance.query.filter(FileInstance.uri.startswith(small_disk)).count() == 0

    # What fits is stored as usual.
    answer = client.put(f"/files/{bucket}/small.bin", headers=headers, data=b"x" * 1000)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.json["size"] == 1000
