"""Search follows access changes at once, even for a document the engine refuses."""

import json
import logging

import pytest
from invenio_indexer.signals import before_record_index


def share(client, owner, pid, email, op):
    return client.post(f"/deposits/{pid}/actions/permissions", headers=owner.headers,
                       data=json.dumps([{"email": email, "type": "user", "op": op,
                                         "action": "deposit-read"}]))


def found(client, user, pid):
    """Whether ``user``'s draft search finds ``pid`` (no refresh in between)."""
    answer = client.get("/deposits/?size=50", headers=user.headers)
    assert answer.status_code == 200
    return pid in {hit["id"] for hit in answer.json["hits"]["hits"]}


def test_a_new_draft_is_in_its_owners_search_at_once(env, client):
    u = env.users
    answer = client.post("/deposits/", headers=u.owner.headers,
                         data=json.dumps({"$ana_type": "generic", "title": "fresh"}))
    assert answer.status_code == 201
    assert found(client, u.owner, answer.json["id"])


def test_an_unshare_hides_the_draft_at_once(env, client):
    u = env.users
    pid = env.service.create(u.owner.identity, {"$ana_type": "generic", "title": "t"}).pid
    assert share(client, u.owner, pid, u.colleague.email, "add").status_code == 201
    assert found(client, u.colleague, pid)
    assert share(client, u.owner, pid, u.colleague.email, "remove").status_code == 201
    assert not found(client, u.colleague, pid)


@pytest.fixture
def refused(app):
    """Make the engine refuse the documents of the given record ids.

    The document gets a value its mapping cannot take (a string for the
    ``_deposit`` object), so the real OpenSearch answers 400, as it did for a
    40,000-character title in a keyword sub-field (which limits on fields now
    prevent).
    """
    ids = set()

    def spoil(sender, json=None, record=None, **kwargs):
        if record is not None and str(record.id) in ids:
            json["_deposit"] = "not an object"

    before_record_index.connect(spoil)
    yield ids
    before_record_index.disconnect(spoil)


def test_a_refused_document_does_not_keep_a_revoked_grantee(env, client, refused, caplog):
    u = env.users
    deposit = env.service.create(u.owner.identity, {"$ana_type": "generic", "title": "t"})
    pid = deposit.pid
    assert share(client, u.owner, pid, u.colleague.email, "add").status_code == 201
    assert found(client, u.colleague, pid)

    refused.add(str(deposit.id))
    with caplog.at_level(logging.ERROR, logger="cap.index.dead_letters"):
        assert share(client, u.owner, pid, u.colleague.email, "remove").status_code == 201
    assert not found(client, u.colleague, pid)
    dead = [r for r in caplog.records if r.name == "cap.index.dead_letters"]
    assert len(dead) == 1 and str(deposit.id) in dead[0].getMessage()

    # Not queued for a retry that would be refused forever: the next bulk run
    # indexes nothing of it; once fixed, a write indexes it again.
    from invenio_indexer.api import RecordIndexer

    RecordIndexer().process_bulk_queue()
    assert not found(client, u.owner, pid)
    refused.clear()
    env.service.update(u.owner.identity, pid, {"title": "fixed"})
    assert found(client, u.owner, pid) and not found(client, u.colleague, pid)
