"""What a rule may know about an action: its event, and the named methods.

The ``ctx`` methods and the recipient methods of the legacy format (names
kept: ``published_url``, ``submitter_email``, ``get_owner``,
``get_cms_stat_recipients``...) are computed here from the event and the
accounts table; rules reach them only by name.
"""

from dataclasses import dataclass
from functools import cached_property

from invenio_accounts.models import User

from cap.modules.reviews.api import REVIEW_DECISIONS


@dataclass
class Event:
    """An action a deposit went through, as the rules see it."""

    action: str
    depid: str
    data: dict
    """The draft's or record's JSON at the action."""
    schema_name: str
    record_id: object = None
    submitter_id: int | None = None
    """Who acted (publisher, reviewer)."""
    published_id: str | None = None
    revision: int = 0
    """The record's revision: 0 at the first publish."""
    draft_revision: int | None = None
    review: dict | None = None


def _email(user_id):
    if user_id is None:
        return None
    user = User.query.filter_by(id=user_id).one_or_none()
    return user.email if user is not None else None


def review_decision(review):
    """A review's type as people read it ("Changes requested"); an unknown type as it is."""
    kind = (review or {}).get("type")
    return REVIEW_DECISIONS.get(kind, kind)


def reviewer_email(review):
    """The reviewer's address of a review dict (an address, ``{email}`` or a user id)."""
    reviewer = (review or {}).get("reviewer")
    if isinstance(reviewer, dict):
        return reviewer.get("email") or _email(reviewer.get("id"))
    if isinstance(reviewer, int):
        return _email(reviewer)
    return reviewer


class NotificationContext:
    """An event with the named values and address lists the rules may ask for."""

    CTX_METHODS = (
        "action", "title", "revision", "draft_revision", "draft_id", "published_id",
        "draft_url", "published_url", "working_id", "working_url", "submitter_email",
        "creator_email", "reviewer_email", "review", "review_decision",
        "cms_stats_committee_by_pag",
        "get_cms_stat_recipients",
    )
    RECIPIENT_METHODS = ("get_owner", "get_submitter", "get_reviewer", "get_cms_stat_recipients")

    def __init__(self, event, ui_url, committee):
        """Bind the event, the UI's base URL and the committee contacts per working group."""
        self.event = event
        self.data = event.data
        self._ui_url = ui_url.rstrip("/")
        self._committee = committee or {}

    @cached_property
    def _submitter(self):
        if self.event.submitter_id is None:
            return None
        return User.query.filter_by(id=self.event.submitter_id).one_or_none()

    @cached_property
    def _owner_email(self):
        owners = self.data.get("_deposit", {}).get("owners") or []
        return _email(owners[0]) if owners else None

    def submitter_in_egroup(self, egroup):
        """Whether the acting user is in ``egroup`` (its role; ``@cern.ch`` optional)."""
        names = {egroup, f"{egroup}@cern.ch"}
        return self._submitter is not None and any(r.name in names for r in self._submitter.roles)

    def _working_group(self):
        context = self.data.get("analysis_context") or {}
        return context.get("cms_working_group") or context.get("wg")

    def method(self, name):
        """The value of a ``ctx`` method."""
        event = self.event
        draft_url = f"{self._ui_url}/drafts/{event.depid}"
        published_url = (
            f"{self._ui_url}/published/{event.published_id}" if event.published_id else None
        )
        values = {
            "action": lambda: event.action,
            "title": lambda: self.data.get("general_title"),
            "revision": lambda: event.revision,
            "draft_revision": lambda: event.draft_revision,
            "draft_id": lambda: event.depid,
            "published_id": lambda: event.published_id,
            "draft_url": lambda: draft_url,
            "published_url": lambda: published_url,
            "working_id": lambda: event.published_id or event.depid,
            "working_url": lambda: published_url or draft_url,
            "submitter_email": lambda: self._submitter.email if self._submitter else None,
            "creator_email": lambda: self._owner_email,
            "reviewer_email": lambda: reviewer_email(event.review),
            "review": lambda: dict(event.review or {}),
            "review_decision": lambda: review_decision(event.review),
            "cms_stats_committee_by_pag": lambda: {
                "working_group": self._working_group(),
                "contacts": list(self._committee.get(self._working_group(), [])),
            },
            "get_cms_stat_recipients": lambda: list(
                self._committee.get(self._working_group(), [])
            ),
        }
        return values[name]()

    def defaults(self):
        """Every ``ctx`` method's value, under its own name (what any template sees)."""
        return {name: self.method(name) for name in self.CTX_METHODS}

    def recipients(self, name):
        """The addresses of a recipient method."""
        addresses = {
            "get_owner": lambda: [self._owner_email],
            "get_submitter": lambda: [self.method("submitter_email")],
            "get_reviewer": lambda: [reviewer_email(self.event.review)],
            "get_cms_stat_recipients": lambda: self.method("get_cms_stat_recipients"),
        }[name]()
        return [address for address in addresses if address]
