"""The reviews service: add, comment on, resolve and delete reviews, identity first.

Works on drafts (``kind="deposit"``) and published records (``"record"``)
alike: the caller must be able to read the document (else it is hidden as
the deposit and records services hide it) and hold its review right in the
one access policy (``can_review``: a per-document ``deposit-review`` /
``record-review`` grant, or the schema-level ``deposit-schema-review`` /
``record-schema-review``); owning the document is not enough. Only a
reviewable type (``config.reviewable``) takes reviews.

The document is written in the unit of work (commit, then index, then the
:mod:`.signals`), and the answer is its result item.
"""

from flask import current_app
from invenio_db.uow import Operation, unit_of_work

from ..access.generators import identity_user_id, is_superuser
from ..core.errors import (
    InvalidRequestError,
    PermissionDeniedError,
    field_error,
)
from ..core.uow import RecordCommitOp
from ..records.indexer import get_indexer
from ..records.services.results import record_item
from .api import (
    REVIEW_KEY,
    REVIEW_TYPES,
    UPDATE_ACTIONS,
    comments_of,
    new_comment,
    new_review,
    reviews_of,
)
from .errors import NotReviewableError
from .schemas import is_reviewable_url
from .signals import review_changed, review_created


class ReviewSignalOp(Operation):
    """Send a review signal once the action is committed and indexed."""

    def __init__(self, signal, **payload):
        """Remember the signal and its keyword arguments."""
        self._signal = signal
        self._payload = payload

    def on_post_commit(self, uow):
        """Send it; the sender is the app object itself, as Flask's own signals
        send it (``_get_current_object`` is Flask's documented way to reach it)."""
        self._signal.send(current_app._get_current_object(), **self._payload)


class ReviewServiceConfig:
    """Wiring of the reviews service: the two kinds of reviewable documents."""

    indexer_factory = staticmethod(get_indexer)
    """Builds the indexer of drafts and records (once per service)."""

    @staticmethod
    def services():
        """``{kind: service}`` of the services reading each kind (siblings: late import)."""
        from ..deposit.proxies import current_deposit_service
        from ..records.proxies import current_record_service

        return {"deposit": current_deposit_service, "record": current_record_service}


class ReviewService:
    """Reviews of drafts and records."""

    def __init__(self, config=ReviewServiceConfig):
        """Wire the service from ``config``."""
        self.config = config
        self._indexer = None

    @property
    def indexer(self):
        """The indexer of drafts and records."""
        if self._indexer is None:
            self._indexer = self.config.indexer_factory()
        return self._indexer

    def _document(self, identity, kind, pid):
        """The document ``pid`` of ``kind``, locked, once the identity may review it."""
        service = self.config.services()[kind]
        item = service.read(identity, pid)  # hides what the identity cannot read
        document = service.record_cls.get_by_pid(pid, for_update=True)
        if not service.policy_cls("review", record=document).allows(identity):
            raise PermissionDeniedError(f"You do not have the review right on this {kind}.")
        if not is_reviewable_url(document.get("$schema")):
            name = (item.schema_info or {}).get("name")
            raise NotReviewableError(f"Reviews are not enabled for {name}.")
        return service, document

    @unit_of_work()
    def review(self, identity, kind, pid, data, uow=None):
        """Add a review (``{type, body}``) or act on one (``{id, action, body}``).

        Answers the document's item with its reviews.
        """
        if not isinstance(data, dict):
            raise InvalidRequestError("The body must be a JSON object.")
        service, document = self._document(identity, kind, pid)
        reviews = reviews_of(document)
        user_id = identity_user_id(identity)
        if "id" in data:
            review, action, reviews = self._update(identity, data, reviews, user_id)
            signal, extra = review_changed, {"action": action}
        else:
            review = self._create(data, user_id)
            reviews.append(review)
            signal, extra = review_created, {}
        document[REVIEW_KEY] = reviews
        uow.register(RecordCommitOp(document, self.indexer, index_refresh=True))
        uow.register(ReviewSignalOp(
            signal, kind=kind, pid=pid, record_id=str(document.id), review=dict(review),
            user_id=user_id, **extra,
        ))
        return record_item(identity, document)

    @staticmethod
    def _text(data, key, required):
        """The text ``data[key]`` (a string of at most the configured length)."""
        value = data.get(key)
        if value is None and not required:
            return None
        limit = current_app.config["CAP_REVIEWS_BODY_MAX_LENGTH"]
        if not isinstance(value, str) or not value.strip():
            return field_error([key], "Give the text as a non-empty string.")
        if len(value) > limit:
            return field_error([key], f"At most {limit} characters.")
        return value

    def _create(self, data, user_id):
        errors = []
        unknown = sorted(set(data) - {"type", "body"})
        errors += [field_error([key], "Unknown field.") for key in unknown]
        if data.get("type") not in REVIEW_TYPES:
            errors.append(field_error(["type"], f"Use one of {', '.join(REVIEW_TYPES)}."))
        body = self._text(data, "body", required=False)
        if isinstance(body, dict):
            errors.append(body)
        if errors:
            raise InvalidRequestError("The review is not valid.", errors)
        return new_review(user_id, data["type"], body)

    def _update(self, identity, data, reviews, user_id):
        """``(review, action, reviews)`` after ``data``'s action on one of ``reviews``."""
        errors = []
        # ``comments``: the key legacy CAP's update payload used for the text.
        text_key = "comments" if "comments" in data and "body" not in data else "body"
        unknown = sorted(set(data) - {"id", "action", "body", "comments"})
        errors += [field_error([key], "Unknown field.") for key in unknown]
        action = data.get("action")
        if action not in UPDATE_ACTIONS:
            errors.append(field_error(["action"], f"Use one of {', '.join(UPDATE_ACTIONS)}."))
        index = next((i for i, r in enumerate(reviews) if r.get("id") == data.get("id")), None)
        if index is None:
            errors.append(field_error(["id"], "No review of this document has this id."))
        text = self._text(data, text_key, required=True) if action == "comment" else None
        if isinstance(text, dict):
            errors.append(text)
        if errors:
            raise InvalidRequestError("The review action is not valid.", errors)
        review = reviews[index]
        if action == "delete":
            if review.get("reviewer") != user_id and not is_superuser(identity):
                raise PermissionDeniedError("You can only delete your own reviews.")
            return review, action, reviews[:index] + reviews[index + 1:]
        if action == "resolve":
            review = {**review, "resolved": True}
        else:
            review = {**review,
                      "comments": [*comments_of(review), new_comment(user_id, text)]}
        reviews[index] = review
        return review, action, reviews
