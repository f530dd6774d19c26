"""The review status in the search documents of reviewable drafts and records.

``_review_status`` (see :func:`.api.review_status`) is what the
``review_status`` facet counts and search hits show; only the index has it.
"""

from .api import review_status
from .schemas import is_reviewable_url

STATUS_FIELD = "_review_status"


def add_review_status(sender, json=None, record=None, index=None, **kwargs):
    """``before_record_index`` hook: the status of a reviewable document."""
    if json is None or "_deposit" not in json or not is_reviewable_url(json.get("$schema")):
        return
    json[STATUS_FIELD] = review_status(json)
