"""The three storage backends of files locations, for tests: a local folder, a
real XRootD server and a real S3 server (SeaweedFS), the last two started by
``scripts/services`` on ports and in folders of their own.

Each backend hands out fresh location URIs and reads, writes and removes
stored bytes *behind CAP's back* with the backend's own client, as a disk
fault or an operator would (fixity tests corrupt files that way).
"""

import shutil
import tempfile
import uuid
from pathlib import Path

import pytest
import s3fs
from XRootD import client as xrootd_client
from XRootD.client.flags import OpenFlags

from support.services import PrivateService

S3_BUCKET = "cap-tests"


class LocalBackend:
    """A temporary folder per location."""

    name = "local"

    def __init__(self):
        """Folders are made under one temporary root."""
        self.root = Path(tempfile.mkdtemp(prefix="cap-local-"))

    def app_config(self):
        """Nothing to configure."""
        return {}

    def new_location_uri(self):
        """A new empty folder."""
        folder = self.root / uuid.uuid4().hex
        folder.mkdir()
        return str(folder)

    def read(self, uri):
        return Path(uri).read_bytes()

    def write(self, uri, data):
        Path(uri).write_bytes(data)

    def remove(self, uri):
        Path(uri).unlink()

    def exists(self, uri):
        return Path(uri).exists()

    def close(self):
        shutil.rmtree(self.root, ignore_errors=True)


class XRootDBackend:
    """A private XRootD server; a folder of its export per location."""

    name = "xrootd"

    def __init__(self):
        """Start the server (``scripts/services start xrootd``)."""
        self.service = PrivateService("xrootd")
        self.service.start()
        self.url = f"root://127.0.0.1:{self.service.port}"

    def app_config(self):
        return {}

    def new_location_uri(self):
        return f"{self.url}//cap/{uuid.uuid4().hex}/"

    def _path(self, uri):
        assert uri.startswith(self.url + "//"), uri
        return uri[len(self.url) + 1:]

    def read(self, uri):
        handle = xrootd_client.File()
        status, _ = handle.open(uri, OpenFlags.READ)
        assert status.ok, status.message
        status, data = handle.read()
        handle.close()
        assert status.ok, status.message
        return data

    def write(self, uri, data):
        handle = xrootd_client.File()
        status, _ = handle.open(uri, OpenFlags.DELETE)
        assert status.ok, status.message
        status, _ = handle.write(data)
        handle.close()
        assert status.ok, status.message

    def remove(self, uri):
        status, _ = xrootd_client.FileSystem(self.url).rm(self._path(uri))
        assert status.ok, status.message

    def exists(self, uri):
        status, _ = xrootd_client.FileSystem(self.url).stat(self._path(uri))
        return status.ok

    def close(self):
        self.service.remove()


class S3Backend:
    """A private SeaweedFS S3 gateway; one bucket, a prefix per location."""

    name = "s3"

    def __init__(self):
        """Start the server (``scripts/services start s3``) and make the bucket."""
        self.service = PrivateService("s3")
        self.service.start()
        self.endpoint = f"http://127.0.0.1:{self.service.port}"
        self.key, self.secret = "cap", "cap-secret"
        self.fs = s3fs.S3FileSystem(key=self.key, secret=self.secret,
                                    client_kwargs={"endpoint_url": self.endpoint})
        self.fs.mkdir(S3_BUCKET)

    def app_config(self):
        """invenio-s3's settings for this server."""
        return {"S3_ENDPOINT_URL": self.endpoint, "S3_ACCESS_KEY_ID": self.key,
                "S3_SECRET_ACCESS_KEY": self.secret}

    def new_location_uri(self):
        return f"s3://{S3_BUCKET}/{uuid.uuid4().hex}/"

    def read(self, uri):
        self.fs.invalidate_cache()
        return self.fs.cat_file(uri)

    def write(self, uri, data):
        self.fs.pipe_file(uri, data)
        self.fs.invalidate_cache()

    def remove(self, uri):
        self.fs.rm_file(uri)
        self.fs.invalidate_cache()

    def exists(self, uri):
        self.fs.invalidate_cache()
        return self.fs.exists(uri)

    def close(self):
        self.service.remove()


BACKENDS = {"local": LocalBackend, "xrootd": XRootDBackend, "s3": S3Backend}

on_every_backend = pytest.mark.parametrize("files_location", list(BACKENDS), indirect=True)
"""Run a test of ``tests/files`` with its files on each backend (its ``files_location``)."""
