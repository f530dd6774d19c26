"""The Celery side: a package built in the background with progress, and the
scheduled export of newly published records to the second-level archive."""

import io
import zipfile
from pathlib import Path
from unittest import mock

from cap.modules.packages.tasks import build_package, export_new_records


def test_build_package_reports_progress(env, publish, tmp_path, complete, validate_bag):
    _, recid = publish(env.users.owner, complete,
                       files=[(f"f{i}.txt", b"x" * i) for i in range(5)])
    target = tmp_path / "package.zip"
    with mock.patch.object(build_package, "update_state",
                           wraps=build_package.update_state) as states:
        result = build_package.apply(args=(recid, str(target)))
    assert result.successful(), result.traceback
    assert result.result == {"recid": recid, "path": str(target)}
    assert target.stat().st_size > 0
    assert [call.kwargs for call in states.call_args_list] == [
        {"state": "PROGRESS", "meta": {"done": done, "total": 5}} for done in range(1, 6)
    ]


def test_scheduled_export_of_new_records(app, env, publish, tmp_path, complete, validate_bag):
    owner = env.users.owner
    assert export_new_records.apply().result == {"exported": []}  # no archive configured
    app.config["CAP_PACKAGES_ARCHIVE_DIR"] = str(tmp_path / "archive")
    try:
        depid, first = publish(owner, complete, files=[("a.txt", b"one")])
        _, second = publish(owner, {**complete, "title": "Other"})
        exported = export_new_records.apply().result["exported"]
        archive = tmp_path / "archive"
        assert sorted(exported) == sorted(
            str(archive / recid / "revision-0") for recid in (first, second))
        for path in exported:
            assert validate_bag(path)[0]
            assert (Path(path) / "data" / "metadata" / "metadata.json").exists()  # Archivematica
        assert export_new_records.apply().result == {"exported": []}  # nothing new
        publish(owner, {**complete, "title": "v2"}, pid=depid)
        assert export_new_records.apply().result == {
            "exported": [str(archive / first / "revision-1")]}
    finally:
        app.config["CAP_PACKAGES_ARCHIVE_DIR"] = None


def test_background_build_over_http(client, env, publish, complete):
    u = env.users
    _, recid = publish(u.owner, complete, files=[("a.txt", b"one"), ("b.txt", b"two")])
    builds = f"/records/{recid}/export/package/builds"
    answer = client.post(f"{builds}?all_revisions=true", headers=u.colleague.headers)
    assert answer.status_code == 202, answer.json
    build = answer.json
    assert build["recid"] == recid and build["state"] == "done"  # eager in tests: already run
    status = client.get(f"{builds}/{build['id']}", headers=u.colleague.headers)
    assert status.status_code == 200 and status.json["state"] == "done"
    download = client.get(f"{builds}/{build['id']}/file", headers=u.owner.headers)
    assert download.status_code == 200 and download.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        assert "data/revisions/0/files/b.txt" in archive.namelist()
    # A build is the record's: its readers only, under its own recid.
    _, other = publish(u.owner, {**complete, "title": "Other"})
    assert client.get(f"/records/{other}/export/package/builds/{build['id']}",
                      headers=u.owner.headers).status_code == 404
    assert client.get(f"{builds}/not-an-id", headers=u.owner.headers).status_code == 404
    assert client.get(f"{builds}/{build['id']}").status_code == 401
    bad = client.post(f"{builds}?layout=tar", headers=u.owner.headers)
    assert bad.status_code == 400 and bad.json["errors"][0]["field"] == ["layout"]
