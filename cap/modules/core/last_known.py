"""Answers from what this process last saw, for work that is checked again.

Some per-process caches are validated by a read once per request: the
schema table's stamp (``schemas.api.cached``) and the grants in the access
cache (``access.cache.prefetch``). Work started before those reads, whose
result is used only after the same work is done again with the values read
(a speculative search, see ``search.speculation``), may use what this
process last saw instead. Inside :func:`last_known` such caches answer
without reading, or raise :class:`NotKnown` when they have nothing to answer
with; whatever they put in request-local state is taken out again when the
block ends, so the request's own reads happen afterwards as always.
"""

from contextlib import contextmanager
from contextvars import ContextVar

_undo = ContextVar("cap_last_known", default=None)


class NotKnown(Exception):
    """The value cannot be given without reading it."""


@contextmanager
def last_known():
    """Caches answer from what this process last saw, without reading."""
    undo = []
    token = _undo.set(undo)
    try:
        yield
    finally:
        _undo.reset(token)
        for callback in reversed(undo):
            callback()


def active():
    """Whether the caller runs inside :func:`last_known`."""
    return _undo.get() is not None


def on_exit(callback):
    """Call ``callback()`` when the current :func:`last_known` block ends."""
    _undo.get().append(callback)
