"""Fixtures of the package tests: published records with files, the two validators,
and an instance emptied of a record before it is imported back."""

import io
import json
import os
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import pytest
from invenio_db import db
from invenio_files_rest.models import ObjectVersion
from invenio_pidstore.models import PersistentIdentifier
from invenio_records.models import RecordMetadata
from invenio_records_files.models import RecordsBuckets
from requests.adapters import HTTPAdapter
from requests_cache import CachedSession
from urllib3 import HTTPResponse

BIN = Path(sys.executable).parent
RO_CRATE_1_1_CONTEXT = "https://w3id.org/ro/crate/1.1/context"


@pytest.fixture(scope="module")
def app_config(app_config, tmp_path_factory):
    """Background builds in a folder of the module's."""
    app_config.update(CAP_PACKAGES_BUILD_DIR=str(tmp_path_factory.mktemp("builds")))
    return app_config


class BundledContext(HTTPAdapter):
    """Answers the RO-Crate context URL from the context the ``rocrate`` library
    ships (1.3, whose terms include all of 1.1's): the machine is offline, and
    the validator fetches the context a crate names."""

    def send(self, request, **kwargs):
        """The bundled context, as w3id.org would serve it."""
        bundled = json.loads(files("rocrate").joinpath("data/ro-crate.jsonld").read_text())
        body = json.dumps({"@context": bundled["@context"]}).encode()
        raw = HTTPResponse(body=io.BytesIO(body), headers={"Content-Type": "application/ld+json"},
                           status=200, preload_content=False, request_url=request.url)
        return self.build_response(request, raw)


@pytest.fixture(scope="session")
def validator_cache(tmp_path_factory):
    """rocrate-validator's HTTP cache holding the RO-Crate 1.1 context (``--offline``)."""
    path = tmp_path_factory.mktemp("rocrate-validator") / "http_cache"
    session = CachedSession(cache_name=str(path), backend="sqlite", expire_after=-1,
                            allowable_codes=(200,))
    session.mount("https://w3id.org/", BundledContext())
    answer = session.get(RO_CRATE_1_1_CONTEXT,
                         headers={"Accept": "application/ld+json, application/json"})
    assert answer.status_code == 200
    session.close()
    return path


@pytest.fixture
def validate_bag():
    """Run ``bagit.py --validate`` on a bag folder: ``(ok, output)``."""

    def run(folder):
        result = subprocess.run([str(BIN / "bagit.py"), "--validate", str(folder)],
                                capture_output=True, text=True, timeout=300)
        return result.returncode == 0, result.stdout + result.stderr

    return run


@pytest.fixture
def validate_crate(validator_cache):
    """Run ``rocrate-validator`` (profile ro-crate-1.1, offline) on a crate folder."""

    def run(folder):
        result = subprocess.run(
            [str(BIN / "rocrate-validator"), "validate", "-p", "ro-crate-1.1", "--offline",
             "--cache-path", str(validator_cache), "--skip-availability-check", "--no-paging",
             "--output-format", "json", str(folder)],
            capture_output=True, text=True, timeout=300,
            env={**os.environ, "COLUMNS": "200"},
        )
        return result.returncode == 0, result.stdout + result.stderr

    return run


@pytest.fixture
def publish(client, env):
    """Publish a generic record of ``user`` with ``files`` ``[(key, bytes)]``:
    ``(draft pid, recid)``; ``publish(..., pid=...)`` republishes that draft
    with new metadata and files changed as given (``None`` deletes a key)."""
    from cap.modules.deposit.proxies import current_deposit_service as service

    def run(user, metadata, files=(), pid=None):
        if pid is None:
            deposit = service.create(user.identity, {"$ana_type": "generic", **metadata})
        else:
            service.edit(user.identity, pid)
            deposit = service.update(user.identity, pid, metadata)
        for key, content in files:
            if content is None:
                ObjectVersion.delete(deposit.bucket, key)
            else:
                ObjectVersion.create(deposit.bucket, key, stream=io.BytesIO(content))
        db.session.commit()
        published = service.publish(user.identity, deposit.pid)
        return published.pid, published.recid

    return run


@pytest.fixture
def forget(app):
    """Remove a record, its draft and their PIDs from the database and the index,
    as if this instance never had them (what an empty instance is, for them)."""
    from cap.modules.deposit.records.api import Deposit
    from cap.modules.records.api import PublishedRecord
    from cap.modules.records.indexer import get_indexer

    def run(recid, depid):
        pids = PersistentIdentifier.query.filter(
            PersistentIdentifier.pid_value.in_([recid, depid])).all()
        ids = [pid.object_uuid for pid in pids]
        for pid in pids:
            cls = PublishedRecord if pid.pid_type == "recid" else Deposit
            get_indexer().delete(cls.get_record(pid.object_uuid), version=None, refresh=True,
                                  ignore=[404])
        RecordsBuckets.query.filter(RecordsBuckets.record_id.in_(ids)).delete()
        PersistentIdentifier.query.filter(
            PersistentIdentifier.pid_value.in_([recid, depid])).delete()
        RecordMetadata.query.filter(RecordMetadata.id.in_(ids)).delete()
        db.session.commit()

    return run
