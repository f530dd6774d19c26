"""The review status in the search documents of reviewable drafts and records.

``_review_status`` (see :func:`.api.review_status`) is what the
``review_status`` facet counts and search hits show; only the index has it.

Which documents are reviewable is read from the document itself, so that
indexing looks no schema up: a draft of a reviewable type is created with a
``deposit-review`` grant slot in ``_access`` (copied to its record as
``record-review``), and a document with reviews was reviewable when reviewed.
"""

from .api import review_status, reviews_of

STATUS_FIELD = "_review_status"


def is_reviewable_document(data):
    """Whether a draft's or record's JSON is of a reviewable type (see above)."""
    access = data.get("_access") or {}
    return bool(reviews_of(data)) or any(key.endswith("-review") for key in access)


def add_review_status(sender, json=None, record=None, index=None, **kwargs):
    """``before_record_index`` hook: the status of a reviewable document."""
    if json is None or "_deposit" not in json or not is_reviewable_document(json):
        return
    json[STATUS_FIELD] = review_status(json)
