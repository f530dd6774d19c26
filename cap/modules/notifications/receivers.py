"""The reviews' hook: ``review_created`` triggers the schema's ``review`` messages.

The reviews module sends :data:`cap.modules.reviews.signals.review_created`
after a review committed, with ``record_id`` (the draft's or record's UUID),
``review`` (the stored entry: ``type``, ``body``, ``reviewer`` user id...),
``user_id`` (who acted) and ``kind``/``pid``, which are not needed here.
"""

import logging

from invenio_access.permissions import system_identity
from invenio_records.models import RecordMetadata

from ..reviews.signals import review_created
from ..schemas import api as schemas_api
from .context import Event
from .proxies import current_notification_service

LOGGER = logging.getLogger("cap.notifications")

REVIEW_CREATED = review_created


def _reviewer_id(review):
    reviewer = review.get("reviewer")
    if isinstance(reviewer, dict):
        return reviewer.get("id")
    return reviewer if isinstance(reviewer, int) else None


def on_review_created(sender, record_id=None, review=None, user_id=None, **kwargs):
    """Queue the ``review`` messages; a failure is logged (the review stands)."""
    review = dict(review or {})
    try:
        row = RecordMetadata.query.filter_by(id=record_id).one_or_none()
        if row is None or not row.json:
            LOGGER.error("review_created for an unknown record %s: no notification.", record_id)
            return
        data = row.json
        deposit = data.get("_deposit", {})
        event = Event(
            action="review",
            depid=deposit.get("id"),
            data=data,
            schema_name=schemas_api.get_schema_by_url(data["$schema"]).name,
            record_id=row.id,
            submitter_id=user_id if user_id is not None else _reviewer_id(review),
            published_id=data.get("control_number") or (deposit.get("pid") or {}).get("value"),
            revision=row.version_id - 1,
            review=review,
        )
        current_notification_service.notify(system_identity, event)
    except Exception:  # the review is committed already: never fail its request
        LOGGER.exception("The review notifications of %s could not be queued.", record_id)
