"""Into an instance that never had the record: ``cap setup`` on a new database and
new indexes, ``cap import package``, then ``cap export package`` there gives
the same package (metadata of every revision, files, grants by e-mail)."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from invenio_search import current_search_client
from sqlalchemy.engine import make_url
from sqlalchemy_utils.functions import create_database, database_exists, drop_database

from cap.modules.packages.proxies import current_package_service

CAP = Path(sys.executable).parent / "cap"


def _run(env, *args):
    result = subprocess.run([str(CAP), *args], env=env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _by_email(package):
    """``{revision: JSON}`` of a package folder, user ids as e-mails, without what a
    new bucket changes (its id, the version ids and links of its files)."""
    data = Path(package) / "data"
    emails = {int(k): v for k, v in json.loads((data / "users.json").read_text()).items()}
    revisions = {}
    for folder in sorted((data / "revisions").iterdir()):
        record = json.loads((folder / "metadata.json").read_text())
        record.pop("_bucket")
        record["_files"] = sorted((entry["key"], entry["checksum"], entry["size"])
                                  for entry in record["_files"])
        deposit = record["_deposit"]
        deposit["owners"] = [emails[user] for user in deposit["owners"]]
        deposit["created_by"] = emails[deposit["created_by"]]
        for grant in record["_access"].values():
            grant["users"] = [emails[user] for user in grant["users"]]
        files = {path.relative_to(folder / "files").as_posix(): path.read_bytes()
                 for path in (folder / "files").rglob("*") if path.is_file()}
        revisions[folder.name] = (record, files)
    return revisions


def test_round_trip_through_a_new_instance(app, env, publish, tmp_path, complete, db_uri):
    owner = env.users.owner
    depid, recid = publish(owner, complete, files=[("a.txt", b"one"), ("sub/b.txt", b"two")])
    publish(owner, {**complete, "title": "v2"}, pid=depid, files=[("a.txt", b"uno")])
    package = current_package_service.export(owner.identity, recid, tmp_path / "out.zip",
                                             all_revisions=True)
    with zipfile.ZipFile(package) as archive:
        archive.extractall(tmp_path / "out")

    fresh = make_url(db_uri).set(database=f"{make_url(db_uri).database}_fresh")
    uri = fresh.render_as_string(hide_password=False)
    prefix = f"{app.config['SEARCH_INDEX_PREFIX']}fresh-"
    create_database(uri)
    env_ = {**os.environ, "INVENIO_SQLALCHEMY_DATABASE_URI": uri,
            "INVENIO_SEARCH_INDEX_PREFIX": prefix, "INVENIO_SECRET_KEY": "test",
            "INVENIO_INSTANCE_PATH": str(tmp_path / "instance"),
            "INVENIO_SITE_API_URL": app.config["SITE_API_URL"]}
    try:
        _run(env_, "setup")
        imported = _run(env_, "import", "package", str(package))
        assert f"Imported {recid} (draft {depid}), revisions 0, 1" in imported
        _run(env_, "export", "package", recid, "--all-revisions", "-o", str(tmp_path / "again"))
    finally:
        if database_exists(uri):
            drop_database(uri)
        current_search_client.indices.delete(index=f"{prefix}*", ignore=[404])
    assert _by_email(tmp_path / "again") == _by_email(tmp_path / "out")
