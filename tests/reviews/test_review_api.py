"""The ``_review`` list as pure data: legacy entries, status, approval."""

from cap.modules.reviews.api import (
    dump_reviews,
    is_approved,
    new_review,
    outdated,
    review_status,
    reviewer_ids,
)

LEGACY = {"id": "5c1f", "type": "request_changes", "body": "Fix it", "reviewer": 7,
          "resolved": False, "comments": "legacy text"}
"""A review as legacy CAP stored it (no created, outdated or comment entries)."""


def test_a_legacy_review_is_read_as_it_is():
    data = {"_review": [LEGACY]}
    users = {7: {"email": "r@cern.ch", "profile": {}}}
    assert reviewer_ids(data) == {7}
    assert dump_reviews(data, users) == [{
        "id": "5c1f", "type": "request_changes", "body": "Fix it",
        "reviewer": {"email": "r@cern.ch", "profile": {}}, "created": None,
        "resolved": False, "outdated": False, "comments": [],
    }]
    assert review_status(data) == "request_changes"


def test_status_is_the_latest_open_current_review():
    approval, changes = new_review(1, "approved", None), new_review(2, "request_changes", "x")
    assert review_status({}) == "pending"
    assert review_status({"_review": [approval, changes]}) == "request_changes"
    assert review_status({"_review": [approval, {**changes, "resolved": True}]}) == "approved"
    assert review_status({"_review": outdated([approval, changes])}) == "pending"


def test_only_a_current_approval_approves():
    approval = new_review(1, "approved", None)
    assert is_approved({"_review": [approval]})
    assert not is_approved({"_review": outdated([approval])})
    assert not is_approved({"_review": [new_review(1, "declined", None)]})
