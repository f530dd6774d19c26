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

:class:`TransactionalActionCache` closes both: an action dropped in a
transaction is not cached again until that transaction ends, and it is
dropped once more after the commit (or rollback). The store is the Redis
cache of invenio-cache; keys are namespaced by ``ACCESS_ACTION_CACHE_PREFIX``
(one per instance: dev, each test run and each benchmark set their own).

The values last read from or written to the store are also kept per
process, for :func:`prefetch` inside ``core.last_known`` (a speculative
search builds its filter from them; the request reads the store afterwards
as always).
"""

from flask import current_app, has_request_context, request
from invenio_access.models import ActionRoles, ActionUsers
from invenio_cache import current_cache
from invenio_db import db
from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import get_history

from ..core import last_known

PENDING = "cap_access_cache_dropped"

_seen = {}
"""Store key -> the value this process last read from or wrote to the store."""


def _pending(session, create=False):
    if create:
        return session.info.setdefault(PENDING, set())
    return session.info.get(PENDING)


class TransactionalActionCache:
    """get/set/delete as invenio-access expects, aware of the transaction."""

    def get(self, key):
        """The cached expansion, or ``None``."""
        if key in (_pending(db.session()) or ()):
            return None
        value = current_cache.get(key)
        if value is not None:
            _seen[key] = value
        return value

    def get_many(self, *keys):
        """The cached expansions of ``keys`` (``None`` where missing), in one
        round trip."""
        pending = _pending(db.session()) or ()
        wanted = [key for key in keys if key not in pending]
        found = dict(zip(wanted, current_cache.get_many(*wanted), strict=True)) if wanted else {}
        _seen.update((key, value) for key, value in found.items() if value is not None)
        return [found.get(key) for key in keys]

    def set(self, key, value):
        """Cache an expansion, unless the action changed in this transaction."""
        if key in (_pending(db.session()) or ()):
            return
        current_cache.set(key, value)
        _seen[key] = value

    def delete(self, key):
        """Drop now, and again when the transaction ends."""
        _pending(db.session(), create=True).add(key)
        _seen.pop(key, None)
        current_cache.delete(key)


def _drop_pending(session, transaction):
    """At the end of the outermost transaction (commit or rollback)."""
    if transaction.parent is not None:
        return  # a savepoint or a subtransaction: the outer one decides
    keys = session.info.pop(PENDING, None)
    if keys:
        current_cache.delete_many(*keys)
        # invenio-access also keeps a copy per request (``set_action_cache``
        # fills it whatever the backend says): drop those too.
        if has_request_context():
            local = getattr(request, "_invenio_access_action_cache", None) or {}
            prefix = current_app.config["ACCESS_ACTION_CACHE_PREFIX"]
            for key in keys:
                local.pop(key[len(prefix):], None)


event.listen(Session, "after_transaction_end", _drop_pending)

access_cache = TransactionalActionCache()
"""The object ``ACCESS_CACHE`` names."""


def prefetch(action_keys):
    """Read the expansions of ``action_keys`` (invenio-access keys, without
    the prefix) in one round trip into invenio-access's per-request copy, so
    that the permission checks that follow in this request find them there
    instead of asking the store one key at a time. Missing keys are left to
    the normal path (which loads them from the database and caches them).

    Inside ``core.last_known`` the values come from what this process last
    saw of the store, not from the store, and are taken out of the
    per-request copy when the block ends; :class:`~.last_known.NotKnown` if
    one was never seen."""
    from invenio_access.proxies import current_access

    local = current_access._request_cache
    store = current_access.cache
    if local is None or not hasattr(store, "get_many"):
        return
    keys = [key for key in dict.fromkeys(action_keys) if key not in local]
    if not keys:
        return
    prefix = current_app.config["ACCESS_ACTION_CACHE_PREFIX"]
    if last_known.active():
        _fill_from_seen(local, keys, prefix)
        return
    for key, value in zip(keys, store.get_many(*(prefix + key for key in keys)), strict=True):
        if value is not None:
            local[key] = value


def _fill_from_seen(local, keys, prefix):
    missing = [key for key in keys if prefix + key not in _seen]
    if missing:
        raise last_known.NotKnown(f"never seen: {', '.join(missing)}")
    for key in keys:
        local[key] = _seen[prefix + key]

    def take_out():
        for key in keys:
            local.pop(key, None)

    last_known.on_exit(take_out)


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
