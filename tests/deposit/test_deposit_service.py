"""Deposit service flows with identities: no HTTP here."""

import pytest
from invenio_files_rest.models import Bucket, ObjectVersion
from invenio_pidstore.errors import PIDDeletedError
from invenio_pidstore.models import PersistentIdentifier

from cap.modules.core.errors import (
    ConflictError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    PublishValidationError,
    RevisionMismatchError,
    ValidationError,
)
from cap.modules.records.api import PublishedRecord


def new_generic(env, user=None, **metadata):
    user = user or env.users.owner
    return env.service.create(user.identity, {"$ana_type": "generic", **metadata})


def test_create_stores_system_keys(env):
    u = env.users
    deposit = env.service.create(
        u.owner.identity,
        {"$ana_type": "cms-analysis", "basic_info": {"analysis_title": "Z'"}, "_access": {"x": 1}},
    )
    assert deposit["$schema"].endswith("/schemas/deposits/records/cms-analysis-v2.1.0.json")
    assert deposit["_experiment"] == "CMS"
    system = deposit["_deposit"]
    assert system["status"] == "draft"
    assert system["created_by"] == u.owner.id and system["owners"] == [u.owner.id]
    assert len(system["id"]) == 32
    for key in ("deposit-read", "deposit-update", "deposit-admin"):
        assert deposit["_access"][key] == {"users": [u.owner.id], "roles": []}
    assert "x" not in deposit["_access"]
    assert deposit.metadata == {"basic_info": {"analysis_title": "Z'"}}
    assert Bucket.query.get(deposit["_bucket"]) is not None
    pid = PersistentIdentifier.get("depid", system["id"])
    assert pid.object_uuid == deposit.id


def test_create_by_schema_url_and_rules(env):
    u, schemas = env.users, env.schemas
    from cap.modules.schemas.api import schema_url

    deposit = env.service.create(
        u.atlas.identity, {"$schema": schema_url(schemas["generic"]), "title": "x"}
    )
    assert "_experiment" not in deposit
    with pytest.raises(InvalidRequestError) as error:
        env.service.create(u.owner.identity, {"$ana_type": "no-such-type"})
    assert error.value.errors[0]["field"] == ["$ana_type"]
    with pytest.raises(InvalidRequestError):
        env.service.create(u.owner.identity, {"title": "no type"})
    # ATLAS members may not start CMS analyses; anonymous may start nothing.
    with pytest.raises(PermissionDeniedError):
        env.service.create(u.atlas.identity, {"$ana_type": "cms-analysis"})
    with pytest.raises(PermissionDeniedError):
        env.service.create(u.anonymous, {"$ana_type": "generic"})
    # Lenient validation still checks types.
    with pytest.raises(ValidationError) as error:
        new_generic(env, title=42)
    assert error.value.errors[0]["field"] == ["title"]


def test_read_hides_drafts_of_others(env):
    u = env.users
    deposit = new_generic(env, title="mine")
    assert env.service.read(u.owner.identity, deposit.pid)["title"] == "mine"
    assert env.service.read(u.admin.identity, deposit.pid)["title"] == "mine"
    with pytest.raises(NotFoundError):
        env.service.read(u.colleague.identity, deposit.pid)
    with pytest.raises(PermissionDeniedError):
        env.service.read(u.anonymous, deposit.pid)
    with pytest.raises(NotFoundError):
        env.service.read(u.owner.identity, "0" * 32)


def test_update_and_revision_check(env):
    u = env.users
    deposit = new_generic(env, title="one")
    revision = deposit.revision_id
    updated = env.service.update(
        u.owner.identity, deposit.pid, {"title": "two", "_deposit": {}, "$schema": "x"},
        revision_id=revision,
    )
    assert updated.metadata == {"title": "two"}
    assert updated["_deposit"]["id"] == deposit.pid
    assert updated.revision_id == revision + 1
    with pytest.raises(RevisionMismatchError):
        env.service.update(u.owner.identity, deposit.pid, {"title": "3"}, revision_id=revision)


def test_patch(env):
    u = env.users
    deposit = new_generic(env, title="one", keywords=["a", "b"])
    patched = env.service.patch(
        u.owner.identity,
        deposit.pid,
        [{"op": "replace", "path": "/keywords/0", "value": "z"},
         {"op": "remove", "path": "/title"}],
    )
    assert patched.metadata == {"keywords": ["z", "b"]}
    for bad in (
        [{"op": "replace", "path": "/_access", "value": {}}],
        [{"op": "remove", "path": "/nothing"}],
        [{"op": "explode", "path": "/title"}],
        {"op": "remove"},
    ):
        with pytest.raises(InvalidRequestError):
            env.service.patch(u.owner.identity, deposit.pid, bad)


def test_update_needs_update_right(env):
    u = env.users
    deposit = new_generic(env, title="one")
    env.service.update_permissions(
        u.owner.identity, deposit.pid,
        [{"email": u.colleague.email, "type": "user", "op": "add", "action": "deposit-read"}],
    )
    assert env.service.read(u.colleague.identity, deposit.pid)
    with pytest.raises(PermissionDeniedError):
        env.service.update(u.colleague.identity, deposit.pid, {"title": "x"})
    with pytest.raises(PermissionDeniedError):
        env.service.publish(u.colleague.identity, deposit.pid)


def test_sharing(env):
    u = env.users
    deposit = new_generic(env, title="shared")
    deposit = env.service.update_permissions(
        u.owner.identity, deposit.pid,
        [{"email": u.colleague.email, "type": "user", "op": "add", "action": "deposit-update"},
         {"email": "cms-members@cern.ch", "type": "egroup", "op": "add",
          "action": "deposit-read"}],
    )
    assert u.colleague.id in deposit["_access"]["deposit-update"]["users"]
    assert deposit["_access"]["deposit-read"]["roles"] == ["cms-members@cern.ch"]
    env.service.update(u.colleague.identity, deposit.pid, {"title": "by colleague"})
    deposit = env.service.update_permissions(
        u.owner.identity, deposit.pid,
        [{"email": u.colleague.email, "type": "user", "op": "remove",
          "action": "deposit-update"}],
    )
    assert u.colleague.id not in deposit["_access"]["deposit-update"]["users"]
    with pytest.raises(InvalidRequestError) as error:
        env.service.update_permissions(
            u.owner.identity, deposit.pid,
            [{"email": "nobody@cern.ch", "type": "user", "op": "add", "action": "deposit-read"},
             {"email": "no-group@cern.ch", "type": "egroup", "op": "add",
              "action": "deposit-read"},
             {"email": u.colleague.email, "type": "user", "op": "grant", "action": "x"}],
        )
    messages = " ".join(e["message"] for e in error.value.errors)
    assert "nobody@cern.ch" in messages and "no-group@cern.ch" in messages
    fields = {".".join(e["field"]) for e in error.value.errors}
    assert fields >= {"0.email", "1.email", "2.op", "2.action"}


def test_sharing_with_addresses_only_the_directory_knows(env):
    """CERN people and e-groups new to CAP are found in the (fake) directory."""
    from invenio_accounts.models import Role, User

    u = env.users
    deposit = new_generic(env, title="shared with newcomers")
    deposit = env.service.update_permissions(
        u.owner.identity, deposit.pid,
        [{"email": "jane.roe@cern.ch", "type": "user", "op": "add", "action": "deposit-read"},
         {"email": "cms-higgs-conveners@cern.ch", "type": "egroup", "op": "add",
          "action": "deposit-update"}],
    )
    jane = User.query.filter_by(email="jane.roe@cern.ch").one()
    assert jane.active and jane.confirmed_at is not None
    assert jane.id in deposit["_access"]["deposit-read"]["users"]
    role = Role.query.filter_by(name="cms-higgs-conveners@cern.ch").one()
    assert role.is_managed is False
    assert deposit["_access"]["deposit-update"]["roles"] == ["cms-higgs-conveners@cern.ch"]


def test_publish_validation_lists_every_field(env):
    u = env.users
    deposit = new_generic(env, keywords=["only"])
    with pytest.raises(PublishValidationError) as error:
        env.service.publish(u.owner.identity, deposit.pid)
    fields = {".".join(e["field"]) for e in error.value.errors}
    assert {"title", "description", "people"} <= fields


def test_publish_edit_republish_revisions(env, complete, add_file, indexed_ids):
    u = env.users
    deposit = new_generic(env, **complete)
    add_file(deposit, "data.txt", b"version one")
    deposit = env.service.publish(u.owner.identity, deposit.pid)
    recid = deposit.recid
    assert deposit.status == "published"
    assert recid.startswith("CAP.") and len(recid) == len("CAP.XXXX.YYYY")
    assert deposit["_deposit"]["pid"]["type"] == "recid"
    assert deposit.bucket.locked
    record = PublishedRecord.get_by_pid(recid)
    assert record["control_number"] == recid
    assert record["$schema"].endswith("/schemas/records/generic-v2.0.0.json")
    assert record["_access"]["record-admin"]["users"] == [u.owner.id]
    assert record["_deposit"]["id"] == deposit.pid
    first_bucket = record["_bucket"]
    assert first_bucket != deposit["_bucket"]
    assert Bucket.query.get(first_bucket).locked
    assert [f["key"] for f in record["_files"]] == ["data.txt"]
    first_file = ObjectVersion.get(first_bucket, "data.txt")
    assert first_file.file_id == ObjectVersion.get(deposit.bucket, "data.txt").file_id

    # Publishing a published draft again, updating it, all refused.
    with pytest.raises(ConflictError):
        env.service.publish(u.owner.identity, deposit.pid)
    with pytest.raises(ConflictError):
        env.service.update(u.owner.identity, deposit.pid, complete)

    deposit = env.service.edit(u.owner.identity, deposit.pid)
    assert deposit.status == "draft" and not deposit.bucket.locked
    env.service.update(u.owner.identity, deposit.pid, {**complete, "title": "Second"})
    add_file(deposit, "data.txt", b"version two")
    deposit = env.service.publish(u.owner.identity, deposit.pid)
    assert deposit.recid == recid
    record = PublishedRecord.get_by_pid(recid)
    assert record["title"] == "Second"
    assert record["_bucket"] != first_bucket

    # The first revision and its files are unchanged.
    revisions = env.records.revisions(u.colleague.identity, recid)
    assert [r["revision"] for r in revisions] == [0, 1]
    old = env.records.read(u.colleague.identity, recid, revision=0)
    assert old["title"] == complete["title"]
    assert old["_bucket"] == first_bucket
    with ObjectVersion.get(first_bucket, "data.txt").file.storage().open() as fp:
        assert fp.read() == b"version one"
    with ObjectVersion.get(record["_bucket"], "data.txt").file.storage().open() as fp:
        assert fp.read() == b"version two"
    with pytest.raises(NotFoundError):
        env.records.read(u.colleague.identity, recid, revision=7)

    # Both kinds are in their indexes.
    assert str(deposit.id) in indexed_ids("deposits")
    assert str(record.id) in indexed_ids("records")


def test_record_read_rights(env, example):
    u = env.users
    deposit = env.service.create(
        u.owner.identity,  # without cadi_info: reserved to the CMS conveners
        {"$ana_type": "cms-analysis",
         **{k: v for k, v in example("cms-analysis").items() if k != "cadi_info"}},
    )
    deposit = env.service.publish(u.owner.identity, deposit.pid)
    assert deposit.recid.startswith("CAP.CMS.")
    # The collaboration reads the record, others do not see it.
    assert env.records.read(u.colleague.identity, deposit.recid)
    with pytest.raises(NotFoundError):
        env.records.read(u.atlas.identity, deposit.recid)
    with pytest.raises(PermissionDeniedError):
        env.records.read(u.anonymous, deposit.recid)
    # Publishing does not share the draft itself.
    with pytest.raises(NotFoundError):
        env.service.read(u.colleague.identity, deposit.pid)


def test_discard(env, complete, add_file):
    u = env.users
    deposit = new_generic(env, **complete)
    add_file(deposit, "a.txt", b"a")
    with pytest.raises(ConflictError):
        env.service.discard(u.owner.identity, deposit.pid)
    env.service.publish(u.owner.identity, deposit.pid)
    deposit = env.service.edit(u.owner.identity, deposit.pid)
    env.service.update(u.owner.identity, deposit.pid, {"title": "scratch"})
    add_file(deposit, "b.txt", b"b")
    with pytest.raises(NotFoundError):
        env.service.discard(u.colleague.identity, deposit.pid)
    deposit = env.service.discard(u.owner.identity, deposit.pid)
    assert deposit.metadata == complete
    assert deposit.status == "published"
    assert sorted(o.key for o in ObjectVersion.get_by_bucket(deposit.bucket)) == ["a.txt"]
    assert deposit.bucket.locked


def test_clone(env, complete, add_file):
    u = env.users
    source = new_generic(env, **complete)
    add_file(source, "a.txt", b"a")
    env.service.update_permissions(
        u.owner.identity, source.pid,
        [{"email": u.colleague.email, "type": "user", "op": "add", "action": "deposit-read"}],
    )
    clone = env.service.clone(u.colleague.identity, source.pid)
    assert clone.pid != source.pid
    assert clone["_deposit"]["owners"] == [u.colleague.id]
    assert clone["_deposit"]["cloned_from"] == {
        "id": source.pid, "revision_id": source.revision_id
    }
    assert clone.metadata == complete
    assert clone["_bucket"] != source["_bucket"]
    assert not clone.bucket.locked
    copied = ObjectVersion.get(clone.bucket, "a.txt")
    assert copied.file_id == ObjectVersion.get(source.bucket, "a.txt").file_id
    with pytest.raises(NotFoundError):
        env.service.clone(u.atlas.identity, source.pid)


def test_delete(env, complete, indexed_ids):
    u = env.users
    deposit = new_generic(env, title="gone")
    assert str(deposit.id) in indexed_ids("deposits")
    with pytest.raises(NotFoundError):
        env.service.delete(u.colleague.identity, deposit.pid)
    env.service.delete(u.owner.identity, deposit.pid)
    assert str(deposit.id) not in indexed_ids("deposits")
    with pytest.raises(PIDDeletedError):
        env.service.read(u.owner.identity, deposit.pid)
    assert Bucket.query.get(deposit["_bucket"]).deleted
    published = new_generic(env, **complete)
    env.service.publish(u.owner.identity, published.pid)
    with pytest.raises(ConflictError):
        env.service.delete(u.owner.identity, published.pid)


def test_pid_format(env, complete):
    import uuid

    from cap.modules.deposit.minters import mint_recid, new_recid_value

    first = mint_recid(uuid.uuid4(), pid_format="CMS-STATS-{year}-{counter:04d}")
    assert first.pid_value.endswith("-0001")
    assert new_recid_value(pid_format="CMS-STATS-{year}-{counter:04d}").endswith("-0002")


def test_failed_indexing_is_queued(env, monkeypatch, indexed_ids, app):
    from invenio_indexer.api import RecordIndexer

    from cap.modules.records.indexer import CAPRecordIndexer

    def broken(self, record, *args, **kwargs):
        raise ConnectionError("search engine down")

    monkeypatch.setattr(CAPRecordIndexer, "index", broken)
    deposit = new_generic(env, title="queued")
    assert str(deposit.id) not in indexed_ids("deposits")
    monkeypatch.undo()
    RecordIndexer().process_bulk_queue()
    assert str(deposit.id) in indexed_ids("deposits")
