"""Packages out and back in: valid by bagit and rocrate-validator, lossless round trips."""

import io
import json
import time
import zipfile

import pytest
from invenio_db import db
from invenio_files_rest.models import ObjectVersion

from cap.modules.core.errors import ConflictError, InvalidRequestError, PermissionDeniedError

ORCID = "0000-0002-4444-8888"


def _service():
    from cap.modules.packages.proxies import current_package_service

    return current_package_service


def _record(recid):
    from cap.modules.records.api import PublishedRecord

    return PublishedRecord.get_by_pid(recid)


def comparable(data):
    """A revision's JSON without what a new bucket must change (its id, the
    version ids and links of its files); files by key, checksum, size and tags."""
    data = dict(data)
    data.pop("_bucket", None)
    files = sorted((entry["key"], entry["checksum"], entry["size"],
                    json.dumps(entry["tags"], sort_keys=True))
                   for entry in data.pop("_files", None) or [])
    return data, files


def snapshot(recid):
    """``{revision: comparable JSON}`` of every revision of a record."""
    record = _record(recid)
    return {n: comparable(record.revision(n)) for n in range(len(record.revisions))}


def stored_files(recid, revision):
    """``{key: bytes}`` of a record revision's files, read from storage."""
    record = _record(recid).revision(revision)
    contents = {}
    for obj in ObjectVersion.get_by_bucket(record["_bucket"]).all():
        with obj.file.storage().open("rb") as fp:
            contents[obj.key] = fp.read()
    return contents


def assert_imported_equal(recid, depid, before, revisions):
    from cap.modules.deposit.records.api import Deposit

    after = snapshot(recid)
    assert sorted(after) == sorted(revisions)
    for n in revisions:
        assert after[n] == before[n], n
    record = _record(recid)
    deposit = Deposit.get_by_pid(depid)
    assert deposit.metadata == record.metadata
    assert deposit["_deposit"]["status"] == "published"
    assert deposit["_deposit"]["pid"] == {"type": "recid", "value": recid,
                                          "revision_id": record.revision_id}
    assert deposit.bucket.locked and record.bucket.locked


def test_export_is_valid_and_round_trips(env, publish, forget, tmp_path, validate_bag,
                                         validate_crate, refresh, complete):
    owner = env.users.owner
    metadata = {**complete, "people": [
        {"name": "Sofia Andersson", "orcid": ORCID, "affiliation": "Stockholm University",
         "ror": "05f0yaq80"},
        {"name": "Tomás Novák", "affiliation": "Charles University"},
    ], "code": {"repositories": [{"url": "https://github.com/sandersson/dm-recast",
                                  "ref_type": "tag", "ref": "v1.0"}]}}
    depid, recid = publish(owner, metadata, files=[("a.txt", b"one"), ("dir/b.root", b"\0" * 99)])
    publish(owner, {**metadata, "title": "v2"}, pid=depid,
            files=[("a.txt", b"two"), ("dir/b.root", None), ("c.json", b"{}")])
    before = snapshot(recid)
    assert sorted(before) == [0, 1]
    contents = {n: stored_files(recid, n) for n in before}

    bag = _service().export(owner.identity, recid, tmp_path / "bag", all_revisions=True)
    ok, output = validate_bag(bag)
    assert ok, output
    ok, output = validate_crate(bag / "data")
    assert ok, output
    # The manifests: both algorithms, and the MD5s are the stored ones.
    md5 = dict(reversed(line.split(None, 1)) for line in
               (bag / "manifest-md5.txt").read_text().splitlines())
    assert "data/revisions/0/files/dir/b.root" in md5
    assert (bag / "manifest-sha256.txt").exists()
    for n in before:
        for entry in before[n][1]:
            assert "md5:" + md5[f"data/revisions/{n}/files/{entry[0]}"] == entry[1]
    for n, files in contents.items():
        for key, content in files.items():
            assert (bag / "data" / "revisions" / str(n) / "files" / key).read_bytes() == content
    # What the crate says about the analysis.
    graph = {entity["@id"]: entity for entity in
             json.loads((bag / "data" / "ro-crate-metadata.json").read_text())["@graph"]}
    assert graph["ro-crate-metadata.json"]["conformsTo"]["@id"] == "https://w3id.org/ro/crate/1.1"
    person = graph[f"https://orcid.org/{ORCID}"]
    assert person["@type"] == "Person" and person["name"] == "Sofia Andersson"
    assert person["affiliation"] == {"@id": "https://ror.org/05f0yaq80"}
    assert graph["https://ror.org/05f0yaq80"]["@type"] == "Organization"
    assert {"@id": f"https://orcid.org/{ORCID}"} in graph["./"]["creator"]
    repository = graph["#repository-0"]
    assert repository["codeRepository"] == "https://github.com/sandersson/dm-recast"
    assert graph["revisions/1/files/c.json"]["@type"] == "File"
    assert {"@id": "revisions/0/files/dir/b.root"} in graph["./"]["hasPart"]
    # The schema, the history, the grants.
    data = bag / "data"
    resolved = json.loads((data / "schema" / "record-schema.json").read_text())
    assert "$ref" not in json.dumps(resolved)
    history = json.loads((data / "history.json").read_text())
    assert [entry["revision"] for entry in history] == [0, 1]
    assert json.loads((data / "access.json").read_text())["record"]["record-admin"]["users"] == [
        owner.email]

    forget(recid, depid)
    with pytest.raises(Exception):  # noqa: B017 (gone: pidstore's own error)
        _record(recid)
    result = _service().import_package(env.users.admin.identity, bag)
    assert result["recid"] == recid and result["revisions"] == [0, 1]
    assert_imported_equal(recid, depid, before, [0, 1])
    for n, files in contents.items():
        assert stored_files(recid, n) == files
    refresh()
    found = env.records.search(owner.identity, {"q": f'control_number:"{recid}"'})
    assert found.total == 1
    # Twice: the record is there now.
    with pytest.raises(ConflictError):
        _service().import_package(env.users.admin.identity, bag)


def test_latest_revision_only_by_default(env, publish, tmp_path, complete):
    owner = env.users.owner
    depid, recid = publish(owner, complete, files=[("a.txt", b"one")])
    publish(owner, {**complete, "title": "v2"}, pid=depid)
    bag = _service().export(owner.identity, recid, tmp_path)  # an existing folder
    assert bag == tmp_path / recid
    package = json.loads((bag / "data" / "cap-package.json").read_text())
    assert package["revisions"] == [1]
    assert sorted(p.name for p in (bag / "data" / "revisions").iterdir()) == ["1"]
    # History lists every revision all the same.
    history = json.loads((bag / "data" / "history.json").read_text())
    assert [(entry["revision"], entry["included"]) for entry in history] == [(0, False), (1, True)]


def test_demo_records_round_trip(env, app, forget, tmp_path, validate_bag, validate_crate):
    from cap.modules.deposit.demo import load_demo_deposits
    from cap.modules.instance.fixtures import load_demo_users

    load_demo_users()
    published = [(kind, depid, recid) for _, kind, depid, recid in load_demo_deposits() if recid]
    assert len(published) >= 5
    for kind, depid, recid in published:
        target = tmp_path / f"{kind}.zip"
        _service().export(env.users.admin.identity, recid, target, all_revisions=True)
        folder = tmp_path / kind
        with zipfile.ZipFile(target) as archive:
            archive.extractall(folder)
        ok, output = validate_bag(folder)
        assert ok, (kind, output)
        ok, output = validate_crate(folder / "data")
        assert ok, (kind, output)
        before = snapshot(recid)
        forget(recid, depid)
        _service().import_package(env.users.admin.identity, target)
        assert_imported_equal(recid, depid, before, sorted(before))


def test_thousand_files_several_revisions(app, env, publish, forget, tmp_path, complete,
                                          validate_bag):
    """1,000 files, three revisions (some files changed, one added, one removed),
    through the commands: ``cap export package --all-revisions -o FILE``, then
    ``cap import package FILE``."""
    from cap.modules.packages.cli import export, import_

    owner = env.users.owner
    files = [(f"data/part-{i:04d}.txt", f"content {i}".encode()) for i in range(1000)]
    depid, recid = publish(owner, complete, files=files)
    publish(owner, {**complete, "title": "v2"}, pid=depid,
            files=[(key, b"changed " + content) for key, content in files[:10]])
    publish(owner, {**complete, "title": "v3"}, pid=depid,
            files=[("data/extra.txt", b"extra"), (files[-1][0], None)])
    before = snapshot(recid)
    assert sorted(before) == [0, 1, 2] and len(before[2][1]) == 1000
    runner = app.test_cli_runner()
    target = tmp_path / "big.zip"
    started = time.monotonic()
    answer = runner.invoke(export, ["package", recid, "--all-revisions", "-o", str(target)])
    exported = time.monotonic() - started
    assert answer.exit_code == 0, answer.output
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        archive.extractall(tmp_path / "big")
    assert sum(name.startswith("data/revisions/") and "/files/" in name for name in names) == 3000
    ok, output = validate_bag(tmp_path / "big")
    assert ok, output
    forget(recid, depid)
    started = time.monotonic()
    answer = runner.invoke(import_, ["package", str(target)])
    imported = time.monotonic() - started
    assert answer.exit_code == 0, answer.output
    assert f"Imported {recid}" in answer.output
    assert_imported_equal(recid, depid, before, [0, 1, 2])
    print(f"1,000 files x 3 revisions: export {exported:.1f} s, import {imported:.1f} s")


def test_archivematica_layout(env, publish, tmp_path, validate_bag, validate_crate, complete,
                              forget):
    owner = env.users.owner
    depid, recid = publish(owner, complete, files=[("a.txt", b"one")])
    bag = _service().export(owner.identity, recid, tmp_path / "transfer",
                            layout_name="archivematica")
    data = bag / "data"
    assert sorted(p.name for p in data.iterdir()) == ["metadata", "objects"]
    assert (data / "objects" / "revisions" / "0" / "files" / "a.txt").read_bytes() == b"one"
    assert (data / "objects" / "ro-crate-metadata.json").exists()
    dublin_core = json.loads((data / "metadata" / "metadata.json").read_text())
    assert len(dublin_core) == 1 and dublin_core[0]["filename"] == "objects/"
    assert dublin_core[0]["dc.title"] == complete["title"]
    assert dublin_core[0]["dc.identifier"] == recid
    assert dublin_core[0]["dc.creator"] == ["Sofia Andersson"]
    assert dublin_core[0]["dc.subject"] == complete["keywords"]
    assert all(key == "filename" or key.startswith("dc.") for key in dublin_core[0])
    assert validate_bag(bag)[0]
    ok, output = validate_crate(data / "objects")
    assert ok, output
    before = snapshot(recid)
    forget(recid, depid)
    _service().import_package(env.users.admin.identity, bag)
    assert_imported_equal(recid, depid, before, [0])


def test_http_export(client, env, publish, complete):
    u = env.users
    _, recid = publish(u.owner, {**complete}, files=[("a.txt", b"one")])
    answer = client.get(f"/records/{recid}/export/package", headers=u.colleague.headers)
    assert answer.status_code == 200, answer.data[:300]
    assert answer.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(answer.data)) as archive:
        names = set(archive.namelist())
    assert {"bagit.txt", "manifest-md5.txt", "manifest-sha256.txt",
            "data/ro-crate-metadata.json", "data/revisions/0/files/a.txt"} <= names
    assert client.get(f"/records/{recid}/export/package").status_code == 401
    for query, field in (("all_revisions=maybe", "all_revisions"), ("layout=tar", "layout")):
        bad = client.get(f"/records/{recid}/export/package?{query}", headers=u.owner.headers)
        assert bad.status_code == 400
        assert bad.json["errors"][0]["field"] == [field]
    missing = client.get("/records/CAP.NOPE/export/package", headers=u.owner.headers)
    assert missing.status_code == 404


def test_changed_storage_stops_the_export(env, publish, tmp_path, complete):
    owner = env.users.owner
    _, recid = publish(owner, complete, files=[("a.txt", b"one")])
    obj = ObjectVersion.get_by_bucket(_record(recid)["_bucket"]).one()
    with obj.file.storage().open("wb") as fp:  # the bytes changed behind files-rest's back
        fp.write(b"bit rot")
    with pytest.raises(ConflictError) as error:
        _service().export(owner.identity, recid, tmp_path / "bag")
    assert error.value.errors[0]["field"] == ["files", "data/revisions/0/files/a.txt"]
    assert not (tmp_path / "bag").exists()


def test_tampered_package_is_refused_naming_the_file(env, publish, forget, tmp_path, complete):
    owner = env.users.owner
    depid, recid = publish(owner, complete, files=[("a.txt", b"one")])
    bag = _service().export(owner.identity, recid, tmp_path / "bag")
    (bag / "data" / "revisions" / "0" / "files" / "a.txt").write_bytes(b"uno")
    forget(recid, depid)
    with pytest.raises(InvalidRequestError) as error:
        _service().import_package(env.users.admin.identity, bag)
    assert any("a.txt" in "/".join(item["field"]) for item in error.value.errors)
    from invenio_pidstore.models import PersistentIdentifier

    assert PersistentIdentifier.query.filter_by(pid_value=recid).count() == 0


def test_import_is_for_superusers(env, publish, tmp_path, complete):
    owner = env.users.owner
    _, recid = publish(owner, complete)
    bag = _service().export(owner.identity, recid, tmp_path / "bag")
    with pytest.raises(PermissionDeniedError):
        _service().import_package(owner.identity, bag)


def test_missing_schema_and_accounts_are_created(env, app, publish, forget, tmp_path, complete):
    """An instance without the package's schema registers it (with its indexes);
    an owner unknown here comes back as an (inactive) account of the same e-mail."""
    from invenio_accounts.models import User

    from cap.modules.packages.layout import make_bag
    from cap.modules.schemas import api as schemas_api
    from cap.modules.schemas.models import Schema

    owner = env.users.owner
    depid, recid = publish(owner, complete, files=[("a.txt", b"one")])
    before = snapshot(recid)
    bag = _service().export(owner.identity, recid, tmp_path / "bag")
    # Re-bag the payload as another instance would have written it: its owner is
    # someone this instance does not know.
    payload = tmp_path / "payload"
    (bag / "data").rename(payload)
    users = json.loads((payload / "users.json").read_text())
    users[str(owner.id)] = "former-owner@cern.ch"
    (payload / "users.json").write_text(json.dumps(users))
    make_bag(payload, {"External-Identifier": recid})
    forget(recid, depid)
    schema = schemas_api.get_schema("generic")
    names = schemas_api.index_names(schema)
    schemas_api.delete_index_names(names)
    Schema.query.filter_by(id=schema.id).delete()
    db.session.commit()
    # (The test's rollback brings the schema row back; the import made its indexes again.)
    result = _service().import_package(env.users.admin.identity, payload)
    assert result["schemas_registered"] == [f"generic-v{schema.version}"]
    former = User.query.filter_by(email="former-owner@cern.ch").one()
    assert not former.active
    record = _record(recid)
    assert record["_deposit"]["owners"] == [former.id]
    assert record["_access"]["record-admin"]["users"] == [former.id]
    assert comparable(record.revision(0))[1] == before[0][1]


def test_listed_checksum_must_match_the_bytes(env, publish, forget, tmp_path, complete):
    """A valid bag whose metadata lists another checksum for a file is refused before
    anything is written (a half-imported record would need cleaning by hand)."""
    from invenio_pidstore.models import PersistentIdentifier

    from cap.modules.packages.layout import make_bag

    owner = env.users.owner
    depid, recid = publish(owner, complete, files=[("a.txt", b"one")])
    bag = _service().export(owner.identity, recid, tmp_path / "bag")
    payload = tmp_path / "payload"
    (bag / "data").rename(payload)
    metadata = payload / "revisions" / "0" / "metadata.json"
    data = json.loads(metadata.read_text())
    data["_files"][0]["checksum"] = "md5:" + "0" * 32
    metadata.write_text(json.dumps(data))
    make_bag(payload, {"External-Identifier": recid})
    forget(recid, depid)
    with pytest.raises(InvalidRequestError) as error:
        _service().import_package(env.users.admin.identity, payload)
    assert error.value.errors[0]["field"] == ["package", "revisions/0", "_files", "0"]
    assert PersistentIdentifier.query.filter_by(pid_value=recid).count() == 0
