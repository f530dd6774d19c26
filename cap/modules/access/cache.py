"""The ``ACCESS_CACHE`` of invenio-access: action expansions in Redis.

invenio-access caches, per action (and argument), the users and roles it is
granted to, under ``ACCESS_ACTION_CACHE_PREFIX`` + the action key, and drops
the entry from mapper events when an ``ActionUsers``/``ActionRoles``/
``ActionSystemRoles`` row is inserted, updated or deleted. Those events run
at *flush*, before the commit, so on their own:

- a permission check later in the same transaction would cache grants that
  a rollback then undoes;
- another process reading between the flush and the commit would cache the
  old grants;
- the per-request copy invenio-access keeps would outlive a rollback.

:class:`TransactionalActionCache` closes all three: an action dropped in a
transaction is not cached again until that transaction ends, and it is
dropped once more after the commit (or rollback), through invenio-access's
``delete_action_cache`` (the store and the request's copy). The store is the
Redis cache of invenio-cache; keys are namespaced by
``ACCESS_ACTION_CACHE_PREFIX`` (one per instance: dev, each test run and
each benchmark set their own). Every entry expires after
``CAP_ACCESS_CACHE_TTL`` seconds, so a grant changed without the ORM (plain
SQL, another tool) is seen within that time.
"""

from flask import current_app, has_request_context, request
from invenio_access.models import ActionRoles, ActionUsers
from invenio_cache import current_cache
from invenio_db import db
from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import get_history

PENDING = "cap_access_cache_dropped"

PREFETCHED = "cap.access.prefetched"
"""``request.environ`` key: store key -> value read by :func:`prefetch`."""


def _pending(session, create=False):
    if create:
        return session.info.setdefault(PENDING, set())
    return session.info.get(PENDING)


def _prefetched():
    return request.environ.get(PREFETCHED, {}) if has_request_context() else {}


class TransactionalActionCache:
    """get/set/delete as invenio-access expects, aware of the transaction."""

    def get(self, key):
        """The cached expansion, or ``None``."""
        if key in (_pending(db.session()) or ()):
            return None
        prefetched = _prefetched()
        if key in prefetched:
            return prefetched[key]
        return current_cache.get(key)

    def get_many(self, *keys):
        """The cached expansions of ``keys`` (``None`` where missing), in one
        round trip."""
        pending = _pending(db.session()) or ()
        wanted = [key for key in keys if key not in pending]
        found = dict(zip(wanted, current_cache.get_many(*wanted), strict=True)) if wanted else {}
        return [found.get(key) for key in keys]

    def set(self, key, value):
        """Cache an expansion for ``CAP_ACCESS_CACHE_TTL`` seconds, unless the
        action changed in this transaction."""
        if key in (_pending(db.session()) or ()):
            return
        current_cache.set(key, value, timeout=current_app.config["CAP_ACCESS_CACHE_TTL"])

    def delete(self, key):
        """Drop now, and, inside a transaction, again when it ends."""
        session = db.session()
        if session.in_transaction():
            _pending(session, create=True).add(key)
        _prefetched().pop(key, None)
        current_cache.delete(key)


def _drop_pending(session, transaction):
    """At the end of the outermost transaction (commit or rollback)."""
    if transaction.parent is not None:
        return  # a savepoint or a subtransaction: the outer one decides
    keys = session.info.pop(PENDING, None)
    if not keys:
        return
    from invenio_access.proxies import current_access

    # The transaction has ended: ``delete`` does not mark the keys again.
    prefix = current_app.config["ACCESS_ACTION_CACHE_PREFIX"]
    for key in keys:
        current_access.delete_action_cache(key.removeprefix(prefix))


event.listen(Session, "after_transaction_end", _drop_pending)

access_cache = TransactionalActionCache()
"""The object ``ACCESS_CACHE`` names."""


def prefetch(action_keys):
    """Read the expansions of ``action_keys`` (invenio-access keys, without
    the prefix) in one round trip, for this request: the permission checks
    that follow ask the store one key at a time (``get``), and find them
    there. Missing keys are left to the normal path (which loads them from
    the database and caches them)."""
    if not has_request_context():
        return
    prefix = current_app.config["ACCESS_ACTION_CACHE_PREFIX"]
    prefetched = request.environ.setdefault(PREFETCHED, {})
    keys = [prefix + key for key in dict.fromkeys(action_keys) if prefix + key not in prefetched]
    if not keys:
        return
    for key, value in zip(keys, access_cache.get_many(*keys), strict=True):
        if value is not None:
            prefetched[key] = value


def _drop_granted_arguments(mapper, connection, target):
    """A grant row was added, changed or removed: drop the cached argument
    grants of the schema-level actions (``generators.GRANTS_KEY``)."""
    from invenio_access.proxies import current_access

    from .generators import GRANTS_KEY

    actions = {target.action, *get_history(target, "action").deleted}
    if any("-schema-" in (action or "") for action in actions):
        current_access.delete_action_cache(GRANTS_KEY)


for _model in (ActionUsers, ActionRoles):
    for _event in ("after_insert", "after_update", "after_delete"):
        event.listen(_model, _event, _drop_granted_arguments)
