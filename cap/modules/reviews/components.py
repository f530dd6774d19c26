"""The deposit service's review component: the approval gate of publish.

A draft's reviews are about its content as it was: a save that changes the
metadata outdates them, and so do a discard and a publish (the next revision
asks for review again). A publish of a type whose config asks for approval
(``config.review.required_to_publish``) is refused until a current review
approves the draft. The record keeps its own reviews of earlier revisions
(outdated) and receives the draft's current ones, which reviewed exactly
what it now holds.
"""

from ..access.components import ServiceComponent
from .api import REVIEW_KEY, current_reviews, is_approved, outdated, reviews_of
from .errors import ApprovalRequiredError
from .schemas import approval_required


class ReviewComponent(ServiceComponent):
    """Outdate reviews when the content changes; gate publish on approval."""

    def update(self, identity, deposit, schema, metadata, uow=None):
        """A metadata change outdates the draft's reviews."""
        reviews = reviews_of(deposit)
        if reviews and metadata != deposit.metadata:
            deposit[REVIEW_KEY] = outdated(reviews)

    def discard(self, identity, deposit, record, uow=None):
        """Going back to the record's content outdates reviews of the discarded changes."""
        reviews = reviews_of(deposit)
        if reviews:
            deposit[REVIEW_KEY] = outdated(reviews)

    def publish(self, identity, publication, uow=None):
        """Refuse without a current approval where the type asks for one;
        hand the draft's current reviews to the record."""
        draft = publication.draft
        if approval_required(publication.schema) and not is_approved(draft):
            raise ApprovalRequiredError(
                "This draft needs an approved review of its current version before it "
                "can be published: ask a reviewer of "
                f"{publication.schema.name} to approve it."
            )
        earlier = reviews_of(publication.record) if publication.record is not None else []
        handed = current_reviews(draft)
        if earlier or handed:
            publication.data[REVIEW_KEY] = outdated(earlier) + handed
        if handed:
            draft[REVIEW_KEY] = outdated(reviews_of(draft))
