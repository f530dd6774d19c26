"""Reviews through the API: the legacy ``actions/review`` contract on drafts
and records, who may review, the approval gate of publish, the signals and
the review status in search."""

import json

import pytest

from cap.modules.reviews.signals import review_changed, review_created

TYPE = "cms-stats-questionnaire"


def cms_analysis(example, cadi_id):
    """A cms-analysis draft body (not a reviewable type) with its own CADI id."""
    data = example("cms-analysis")
    data.pop("cadi_info", None)  # reserved to the CMS conveners
    return {"$ana_type": "cms-analysis", **data,
            "basic_info": {**data["basic_info"], "cadi_id": cadi_id}}


def review(client, user, pid, body, kind="deposits"):
    return client.post(f"/{kind}/{pid}/actions/review", headers=user.headers,
                       data=json.dumps(body))


def test_a_committee_member_reviews_and_the_answer_lists_it(client, reviewers, questionnaire):
    pid = questionnaire().pid
    answer = review(client, reviewers.committee, pid,
                    {"type": "request_changes", "body": "Give the fit range."})
    assert answer.status_code == 201
    [entry] = answer.json["review"]
    assert entry["type"] == "request_changes"
    assert entry["body"] == "Give the fit range."
    assert entry["reviewer"]["email"] == "rv-committee@cern.ch"
    assert entry["created"] and entry["resolved"] is False and entry["outdated"] is False
    assert answer.json["review_status"] == "request_changes"
    # The owner reads the same list in the draft's own answer.
    read = client.get(f"/deposits/{pid}", headers=reviewers.owner.headers)
    assert read.json["review"] == answer.json["review"]


def test_comment_resolve_and_delete_ones_own(client, reviewers, questionnaire):
    pid = questionnaire().pid
    created = review(client, reviewers.committee, pid, {"type": "declined"}).json
    review_id = created["review"][0]["id"]

    commented = review(client, reviewers.committee, pid,
                       {"id": review_id, "action": "comment", "body": "See the twiki."})
    assert commented.status_code == 200
    [comment] = commented.json["review"][0]["comments"]
    assert comment["body"] == "See the twiki."
    assert comment["author"]["email"] == "rv-committee@cern.ch"

    resolved = review(client, reviewers.committee, pid, {"id": review_id, "action": "resolve"})
    assert resolved.json["review"][0]["resolved"] is True

    deleted = review(client, reviewers.committee, pid, {"id": review_id, "action": "delete"})
    assert deleted.status_code == 200
    assert deleted.json["review"] == []


def test_only_the_author_deletes_a_review(client, reviewers, questionnaire):
    pid = questionnaire().pid
    review_id = review(client, reviewers.committee, pid, {"type": "approved"}).json[
        "review"][0]["id"]
    # A second committee member may comment on it, not delete it.
    other = reviewers.committee_second
    answer = review(client, other, pid, {"id": review_id, "action": "delete"})
    assert answer.status_code == 403
    assert len(client.get(f"/deposits/{pid}", headers=other.headers).json["review"]) == 1


@pytest.mark.parametrize("who", ["owner", "member", "stranger"])
def test_without_the_review_right_403(client, reviewers, questionnaire, who):
    """The owner administers the draft but is no reviewer; a CMS member reads
    a record but holds no review right; a stranger cannot even read."""
    from cap.modules.deposit.proxies import current_deposit_service

    deposit = questionnaire()
    if who == "member":  # give the member read access: still no review right
        current_deposit_service.update_permissions(reviewers.owner.identity, deposit.pid, [
            {"email": reviewers.member.email, "type": "user", "op": "add",
             "action": "deposit-read"}])
    answer = review(client, getattr(reviewers, who), deposit.pid, {"type": "approved"})
    assert answer.status_code == (404 if who == "stranger" else 403)
    read = client.get(f"/deposits/{deposit.pid}", headers=reviewers.owner.headers)
    assert read.json["review"] == []


def test_a_per_deposit_grant_makes_a_reviewer(client, reviewers, questionnaire):
    pid = questionnaire().pid
    shared = client.post(f"/deposits/{pid}/actions/permissions", headers=reviewers.owner.headers,
                         data=json.dumps([{"email": reviewers.member.email, "type": "user",
                                           "op": "add", "action": "deposit-review"}]))
    assert shared.status_code == 201
    assert review(client, reviewers.member, pid, {"type": "approved"}).status_code == 201
    # The owner may grant it to themselves too: then they review.
    client.post(f"/deposits/{pid}/actions/permissions", headers=reviewers.owner.headers,
                data=json.dumps([{"email": reviewers.owner.email, "type": "user",
                                  "op": "add", "action": "deposit-review"}]))
    assert review(client, reviewers.owner, pid, {"type": "approved"}).status_code == 201


def test_bad_bodies_name_the_field(client, reviewers, questionnaire):
    pid = questionnaire().pid
    bad_type = review(client, reviewers.committee, pid, {"type": "maybe"})
    assert bad_type.status_code == 400
    assert [e["field"] for e in bad_type.json["errors"]] == [["type"]]
    bad_body = review(client, reviewers.committee, pid, {"type": "approved", "body": 3})
    assert [e["field"] for e in bad_body.json["errors"]] == [["body"]]
    bad_id = review(client, reviewers.committee, pid, {"id": "nope", "action": "resolve"})
    assert bad_id.status_code == 400
    assert [e["field"] for e in bad_id.json["errors"]] == [["id"]]
    bad_action = review(client, reviewers.committee, pid, {"id": "nope", "action": "shout"})
    assert {tuple(e["field"]) for e in bad_action.json["errors"]} == {("action",), ("id",)}
    review_id = review(client, reviewers.committee, pid, {"type": "approved"}).json[
        "review"][0]["id"]
    no_text = review(client, reviewers.committee, pid, {"id": review_id, "action": "comment"})
    assert [e["field"] for e in no_text.json["errors"]] == [["body"]]
    # Nothing half-written: only the one valid review is there.
    assert len(client.get(f"/deposits/{pid}", headers=reviewers.owner.headers)
               .json["review"]) == 1


def test_a_type_that_is_not_reviewable_refuses_with_409(client, users, location, schemas,
                                                        create_user, example):
    from cap.modules.deposit.proxies import current_deposit_service

    deposit = current_deposit_service.create(users.owner.identity,
                                             cms_analysis(example, "EXO-23-001"))
    answer = review(client, users.admin, deposit.pid, {"type": "approved"})
    assert answer.status_code == 409
    assert "not enabled" in answer.json["message"]
    read = client.get(f"/deposits/{deposit.pid}", headers=users.owner.headers).json
    assert read["review"] == [] and "review_status" not in read


def test_the_gate_blocks_publish_until_approved(client, reviewers, questionnaire,
                                                approval_gate):
    pid = questionnaire().pid
    owner = reviewers.owner
    refused = client.post(f"/deposits/{pid}/actions/publish", headers=owner.headers)
    assert refused.status_code == 409
    assert "approved review" in refused.json["message"]
    # Changes requested: still refused.
    review(client, reviewers.committee, pid, {"type": "request_changes"})
    assert client.post(f"/deposits/{pid}/actions/publish",
                       headers=owner.headers).status_code == 409
    review(client, reviewers.committee, pid, {"type": "approved", "body": "Fine."})
    published = client.post(f"/deposits/{pid}/actions/publish", headers=owner.headers)
    assert published.status_code == 202
    record = client.get(f"/records/{published.json['recid']}", headers=owner.headers).json
    # The record holds the reviews of the content it was published with.
    assert [r["type"] for r in record["review"]] == ["request_changes", "approved"]


def test_a_new_revision_needs_review_again(client, reviewers, questionnaire, approval_gate):
    deposit = questionnaire()
    pid, owner = deposit.pid, reviewers.owner
    review(client, reviewers.committee, pid, {"type": "approved"})
    assert client.post(f"/deposits/{pid}/actions/publish",
                       headers=owner.headers).status_code == 202
    assert client.post(f"/deposits/{pid}/actions/edit", headers=owner.headers).status_code == 201
    # Publishing the next revision asks again, even before any change ...
    assert client.post(f"/deposits/{pid}/actions/publish",
                       headers=owner.headers).status_code == 409
    review(client, reviewers.committee, pid, {"type": "approved"})
    # ... and an approval is about the content it saw: a change outdates it.
    metadata = client.get(f"/deposits/{pid}", headers=owner.headers).json["metadata"]
    metadata["general_title"] = "A changed title"
    saved = client.put(f"/deposits/{pid}", headers=owner.headers, data=json.dumps(metadata))
    assert saved.status_code == 200
    assert [r["outdated"] for r in saved.json["review"]] == [True, True]
    assert client.post(f"/deposits/{pid}/actions/publish",
                       headers=owner.headers).status_code == 409
    review(client, reviewers.committee, pid, {"type": "approved"})
    assert client.post(f"/deposits/{pid}/actions/publish",
                       headers=owner.headers).status_code == 202
    # An approval of changes that were then discarded approves nothing.
    client.post(f"/deposits/{pid}/actions/edit", headers=owner.headers)
    review(client, reviewers.committee, pid, {"type": "approved"})
    assert client.post(f"/deposits/{pid}/actions/discard",
                       headers=owner.headers).status_code == 201
    client.post(f"/deposits/{pid}/actions/edit", headers=owner.headers)
    assert client.post(f"/deposits/{pid}/actions/publish",
                       headers=owner.headers).status_code == 409


def test_records_are_reviewed_too(client, reviewers, questionnaire):
    from cap.modules.deposit.proxies import current_deposit_service

    deposit = questionnaire()
    recid = current_deposit_service.publish(reviewers.owner.identity, deposit.pid).recid
    # Every CMS member reads the record; only the committee reviews it.
    assert review(client, reviewers.member, recid, {"type": "approved"},
                  kind="records").status_code == 403
    answer = review(client, reviewers.committee, recid,
                    {"type": "request_changes", "body": "Add the systematics."}, kind="records")
    assert answer.status_code == 201
    assert answer.json["type"] == "record"
    assert answer.json["review"][0]["reviewer"]["email"] == "rv-committee@cern.ch"
    # The owner edits and republishes: the record keeps the old review, outdated.
    current_deposit_service.edit(reviewers.owner.identity, deposit.pid)
    current_deposit_service.publish(reviewers.owner.identity, deposit.pid)
    record = client.get(f"/records/{recid}", headers=reviewers.owner.headers).json
    assert [(r["type"], r["outdated"]) for r in record["review"]] == [("request_changes", True)]
    approved = review(client, reviewers.committee, recid, {"type": "approved"}, kind="records")
    assert [r["type"] for r in approved.json["review"]] == ["request_changes", "approved"]


def test_signals_are_sent_after_commit(client, reviewers, questionnaire):
    received = []

    def created(sender, **payload):
        received.append(("created", payload))

    def changed(sender, **payload):
        received.append(("changed", payload))

    deposit = questionnaire()
    with review_created.connected_to(created), review_changed.connected_to(changed):
        made = review(client, reviewers.committee, deposit.pid, {"type": "approved"}).json
        review_id = made["review"][0]["id"]
        review(client, reviewers.committee, deposit.pid, {"id": review_id, "action": "resolve"})
        review(client, reviewers.committee, deposit.pid, {"type": "shout"})  # refused: no signal
    assert [name for name, _ in received] == ["created", "changed"]
    kind, payload = received[0]
    assert payload["kind"] == "deposit" and payload["pid"] == deposit.pid
    assert payload["record_id"] == str(deposit.id)
    assert payload["review"]["type"] == "approved"
    assert payload["user_id"] == reviewers.committee.id
    assert received[1][1]["action"] == "resolve"
    assert received[1][1]["review"]["resolved"] is True


def test_review_status_facet_and_hits(client, reviewers, questionnaire, refresh):
    reviewed, approved, untouched = questionnaire(), questionnaire(), questionnaire()
    review(client, reviewers.committee, reviewed.pid, {"type": "request_changes"})
    review(client, reviewers.committee, approved.pid, {"type": "approved"})
    refresh()
    answer = client.get(f"/deposits/?size=50&collection={TYPE}", headers=reviewers.owner.headers)
    facet = {b["key"]: b["doc_count"]
             for b in answer.json["aggregations"]["review_status"]["buckets"]}
    assert facet == {"request_changes": 1, "approved": 1, "pending": 1}
    status = {hit["id"]: hit["review_status"] for hit in answer.json["hits"]["hits"]}
    assert status == {reviewed.pid: "request_changes", approved.pid: "approved",
                      untouched.pid: "pending"}
    only = client.get("/deposits/?review_status=approved", headers=reviewers.owner.headers)
    assert [hit["id"] for hit in only.json["hits"]["hits"]] == [approved.pid]


def test_the_review_right_is_granted_only_on_reviewable_types(client, users, location,
                                                              schemas, example):
    from cap.modules.deposit.proxies import current_deposit_service

    deposit = current_deposit_service.create(users.owner.identity,
                                             cms_analysis(example, "EXO-23-002"))
    answer = client.post(f"/deposits/{deposit.pid}/actions/permissions",
                         headers=users.owner.headers,
                         data=json.dumps([{"email": users.colleague.email, "type": "user",
                                           "op": "add", "action": "deposit-review"}]))
    assert answer.status_code == 400
    assert [e["field"] for e in answer.json["errors"]] == [["0", "action"]]
