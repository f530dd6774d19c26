"""Signals of review actions, for other modules (the notifications engine).

Both are sent after the action's transaction committed (and the document
was indexed), never for an action that rolled back, with ``current_app``'s
object as sender and these keyword arguments:

- ``kind``: ``"deposit"`` or ``"record"``;
- ``pid``: the draft's id or the record's recid;
- ``record_id``: the draft's or record's UUID (a string);
- ``review``: the review entry as stored (``id``, ``type``, ``body``,
  ``reviewer`` user id, ``created``, ``resolved``, ``outdated``, ``comments``);
- ``user_id``: who acted.

``review_changed`` also has ``action``: ``comment``, ``resolve`` or ``delete``
(for ``delete``, ``review`` is the entry as it was).

Subscribe with ``review_created.connect(receiver)``; a receiver should queue
its work (a Celery task) rather than do it inline: an exception it raises
reaches the caller after the review is already saved.
"""

from blinker import Namespace

_signals = Namespace()

review_created = _signals.signal("cap-review-created")
"""A review was added to a draft or a record."""

review_changed = _signals.signal("cap-review-changed")
"""A review was commented on, resolved or deleted."""
