"""Records to Zenodo against the fake Zenodo (tests/fakes/zenodo_server.py):
deposition, bucket uploads, publish, DOI on the record, new versions under
the concept DOI; who may; look-ups; Zenodo failures."""

import io
import json

import pytest
from fakes.zenodo_server import TOKEN
from invenio_db import db
from invenio_files_rest.models import ObjectVersion

from cap.modules.schemas.api import get_schema

LICENSE = "cc0-1.0"
"""``CAP_ZENODO_LICENSE`` here (the default is ``cc-by-4.0``)."""


@pytest.fixture(scope="module")
def app_config(app_config, zenodo_server):
    """The fake Zenodo, and a license other than the default: the one sent is the
    instance's choice."""
    app_config.update(zenodo_server.config, CAP_ZENODO_TIMEOUT=5, CAP_ZENODO_RETRIES=1,
                      CAP_ZENODO_LICENSE=LICENSE)
    return app_config


@pytest.fixture
def allowed(env):
    """The generic schema's collaboration lets its records go to Zenodo."""
    schema = get_schema("generic")
    schema.config = {**(schema.config or {}), "zenodo": True}
    db.session.commit()


@pytest.fixture
def record(client, env, complete, zenodo_server):
    zenodo_server.reset()
    owner = env.users.owner
    metadata = {**complete, "people": [{"name": "Sofia Andersson",
                                        "orcid": "0000-0002-1825-0097",
                                        "affiliation": "Stockholm University"}]}
    draft = env.service.create(owner.identity, {"$ana_type": "generic", **metadata})
    for key, content in (("results.root", b"histograms"), ("notes.txt", b"read me")):
        ObjectVersion.create(draft.bucket, key, stream=io.BytesIO(content))
    db.session.commit()
    answer = client.post(f"/deposits/{draft.pid}/actions/publish", headers=owner.headers)
    assert answer.status_code == 202, answer.json
    return answer.json["recid"]


def push(client, user, recid, body=None):
    return client.post(f"/records/{recid}/actions/zenodo", headers=user.headers,
                       data=json.dumps(body) if body is not None else None)


def test_publish_then_new_version(client, env, allowed, record, zenodo_server):
    owner = env.users.owner
    first = push(client, owner, record)
    assert first.status_code == 202, first.json
    deposition = zenodo_server.depositions[1001]
    assert deposition["submitted"] and deposition["metadata"]["upload_type"] == "dataset"
    meta = deposition["metadata"]
    assert meta["title"] == "Recasting dark-matter searches"
    assert meta["creators"] == [{"name": "Andersson, Sofia", "orcid": "0000-0002-1825-0097",
                                 "affiliation": "Stockholm University"}]
    assert meta["keywords"] == ["reinterpretation", "dark matter"]
    assert meta["license"] == LICENSE and meta["access_right"] == "open"
    assert meta["related_identifiers"][0]["identifier"].endswith(f"/published/{record}")
    files = zenodo_server.buckets[deposition["bucket"]]
    assert {key: f["data"] for key, f in files.items()} == {
        "results.root": b"histograms", "notes.txt": b"read me"}
    stored = env.records.read(owner.identity, record).data["_zenodo"]
    assert stored["doi"] == "10.5072/zenodo.1001"
    assert stored["conceptdoi"] == "10.5072/zenodo.1000"
    # The DOI is in the exports.
    datacite = client.get(f"/records/{record}?format=datacite-json", headers=owner.headers).json
    assert datacite["doi"] == "10.5072/zenodo.1001"
    bibtex = client.get(f"/records/{record}?format=bibtex", headers=owner.headers)
    assert "doi = {10.5072/zenodo.1001}" in bibtex.get_data(as_text=True)

    again = push(client, owner, record, {"files": ["notes.txt"]})
    assert again.status_code == 202, again.json
    second = env.records.read(owner.identity, record).data["_zenodo"]
    assert second["doi"] == "10.5072/zenodo.1002" and second["conceptdoi"] == stored["conceptdoi"]
    assert second["files"] == ["notes.txt"]
    new = zenodo_server.depositions[1002]
    assert list(zenodo_server.buckets[new["bucket"]]) == ["notes.txt"]  # the inherited file removed
    assert new["metadata"]["license"] == LICENSE  # set again, not only inherited
    assert ("POST", "/api/deposit/depositions/1001/actions/newversion") in zenodo_server.calls


def test_lookup(client, env, allowed, record):
    assert push(client, env.users.owner, record).status_code == 202
    found = client.get("/services/zenodo/record/1001", headers=env.users.atlas.headers)
    assert found.status_code == 200 and found.json["doi"] == "10.5072/zenodo.1001"
    assert client.get("/services/zenodo/record/9999",
                      headers=env.users.atlas.headers).status_code == 404
    bad = client.get("/services/zenodo/record/abc", headers=env.users.atlas.headers)
    assert bad.status_code == 400 and bad.json["errors"][0]["field"] == ["id"]
    assert client.get("/services/zenodo/record/1001").status_code == 401


def can_zenodo(client, user, recid):
    """What the record's answer tells ``user``: whether they may push it."""
    return client.get(f"/records/{recid}", headers=user.headers).json["can_zenodo"]


def test_who_may_push(client, env, allowed, record, zenodo_server):
    u = env.users
    assert can_zenodo(client, u.owner, record) is True
    assert can_zenodo(client, u.colleague, record) is False
    assert can_zenodo(client, u.stranger, record) is False
    assert push(client, u.colleague, record).status_code == 403  # reads it, not its admin
    assert push(client, u.stranger, record).status_code == 403  # experiment-free: reads it
    assert client.post(f"/records/{record}/actions/zenodo").status_code == 401
    assert push(client, u.owner, "CAP.NOPE.NOPE").status_code == 404
    assert zenodo_server.depositions == {}
    assert push(client, u.admin, record).status_code == 202  # superusers may


def test_schema_must_allow_it(client, env, record, zenodo_server):
    schema = get_schema("generic")
    schema.config = {k: v for k, v in (schema.config or {}).items() if k != "zenodo"}
    db.session.commit()
    assert can_zenodo(client, env.users.owner, record) is False  # not offered, even to its owner
    answer = push(client, env.users.owner, record)
    assert answer.status_code == 403 and "generic" in answer.json["message"]
    assert zenodo_server.calls == []


def test_bad_file_choice_names_the_field(client, env, allowed, record, zenodo_server):
    answer = push(client, env.users.owner, record, {"files": ["notes.txt", "missing.dat"]})
    assert answer.status_code == 400
    assert answer.json["errors"][0]["field"] == ["files", "1"]
    empty = push(client, env.users.owner, record, {"files": []})
    assert empty.status_code == 400 and empty.json["errors"][0]["field"] == ["files"]
    assert zenodo_server.calls == []


def test_zenodo_down_or_refusing(client, env, allowed, record, zenodo_server, app):
    zenodo_server.mode = "down"
    answer = push(client, env.users.owner, record)
    assert answer.status_code == 502 and "Zenodo" in answer.json["message"]
    zenodo_server.mode = "ok"
    app.config["CAP_ZENODO_TOKEN"] = "wrong"
    try:
        refused = push(client, env.users.owner, record)
    finally:
        app.config["CAP_ZENODO_TOKEN"] = TOKEN
    assert refused.status_code == 502 and "401" in refused.json["message"]
    assert "_zenodo" not in env.records.read(env.users.owner.identity, record).data


def test_a_new_revision_keeps_the_zenodo_doi(client, env, allowed, record):
    owner = env.users.owner
    assert push(client, owner, record).status_code == 202
    pid = env.records.read(owner.identity, record).data["_deposit"]["id"]
    assert client.post(f"/deposits/{pid}/actions/edit", headers=owner.headers).status_code == 201
    republished = client.post(f"/deposits/{pid}/actions/publish", headers=owner.headers)
    assert republished.status_code == 202, republished.json
    data = env.records.read(owner.identity, record).data
    assert data["_zenodo"]["doi"] == "10.5072/zenodo.1001"
    datacite = client.get(f"/records/{record}?format=datacite-json", headers=owner.headers).json
    assert datacite["doi"] == "10.5072/zenodo.1001"
