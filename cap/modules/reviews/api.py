"""The reviews of a draft or a record: a list under its ``_review`` key.

Legacy CAP kept reviews in the same place and shape (``id``, ``type``,
``body``, ``reviewer``, ``resolved``), so migrated documents keep theirs.
Each entry here also has ``created``, ``comments`` and ``outdated``: a
review is outdated once the content it reviewed changed (a draft save that
changes the metadata, a publish), which is what makes a new revision ask for
review again. Pure functions of the JSON: no query, no request.
"""

import uuid
from datetime import UTC, datetime

REVIEW_KEY = "_review"
REVIEW_TYPES = ("approved", "request_changes", "declined")
"""What a review says (legacy CAP's three)."""

REVIEW_DECISIONS = {"approved": "Approved", "request_changes": "Changes requested",
                    "declined": "Declined"}
"""How a review's type reads in a sentence (mails)."""

UPDATE_ACTIONS = ("comment", "delete", "resolve")
"""What can be done to an existing review."""

PENDING = "pending"
"""The status of a reviewable document without a current review."""


def now():
    """The time stamp of a review or comment (UTC, ISO 8601)."""
    return datetime.now(UTC).isoformat()


def reviews_of(data):
    """The review entries of a draft's or record's JSON (a new list)."""
    return list((data or {}).get(REVIEW_KEY) or [])


def new_review(reviewer_id, type_, body):
    """A review entry by the user ``reviewer_id``."""
    return {
        "id": str(uuid.uuid4()),
        "type": type_,
        "body": body,
        "reviewer": reviewer_id,
        "created": now(),
        "resolved": False,
        "outdated": False,
        "comments": [],
    }


def new_comment(author_id, body):
    """A comment entry on a review."""
    return {"body": body, "author": author_id, "created": now()}


def outdated(reviews):
    """``reviews`` all marked as about an earlier version of the content."""
    return [{**review, "outdated": True} for review in reviews]


def current_reviews(data):
    """The reviews of the content as it is now (not outdated), oldest first."""
    return [review for review in reviews_of(data) if not review.get("outdated")]


def is_approved(data):
    """Whether a current review approves the content."""
    return any(review.get("type") == "approved" for review in current_reviews(data))


def review_status(data):
    """The status search and lists show: the type of the latest current,
    unresolved review, else ``pending``."""
    open_reviews = [r for r in current_reviews(data) if not r.get("resolved")]
    return open_reviews[-1]["type"] if open_reviews else PENDING


def comments_of(review):
    """The comment entries of a review (a legacy review may hold none, or a
    plain ``comments`` string legacy CAP never used: no entries)."""
    comments = review.get("comments")
    return [c for c in comments if isinstance(c, dict)] if isinstance(comments, list) else []


def reviewer_ids(data):
    """The user ids the reviews of ``data`` name (reviewers, comment authors)."""
    ids = set()
    for review in reviews_of(data):
        ids.add(review.get("reviewer"))
        ids.update(comment.get("author") for comment in comments_of(review))
    return {user_id for user_id in ids if isinstance(user_id, int)}


def dump_reviews(data, users):
    """The reviews as answers show them; ``users``: id -> ``{email, profile}``."""
    return [
        {
            "id": review.get("id"),
            "type": review.get("type"),
            "body": review.get("body"),
            "reviewer": users.get(review.get("reviewer")),
            "created": review.get("created"),
            "resolved": bool(review.get("resolved")),
            "outdated": bool(review.get("outdated")),
            "comments": [
                {"body": c.get("body"), "author": users.get(c.get("author")),
                 "created": c.get("created")}
                for c in comments_of(review)
            ],
        }
        for review in reviews_of(data)
    ]
