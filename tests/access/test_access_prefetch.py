"""The permission filter reads its cached grants in one round trip (cache.prefetch)."""

from flask import current_app, request
from invenio_access.models import ActionUsers
from invenio_access.permissions import superuser_access
from invenio_cache import current_cache
from invenio_db import db

from cap.modules.access.cache import PREFETCHED, access_cache, prefetch
from cap.modules.access.generators import GRANTS_KEY
from cap.modules.access.policies import DepositPermissionPolicy, RecordPermissionPolicy


def _local():
    """What this request prefetched, by invenio-access key (prefix removed)."""
    prefix = current_app.config["ACCESS_ACTION_CACHE_PREFIX"]
    return {key.removeprefix(prefix): value
            for key, value in request.environ.get(PREFETCHED, {}).items()}


def test_filter_prefetches_for_the_request(app, users, monkeypatch):
    """After one filter has filled the store, the next request's filter reads
    superusers, schema grants and experiment actions in one round trip,
    holding what the store holds, and its checks ask the store nothing more."""
    with app.test_request_context():
        RecordPermissionPolicy("read").query_filter(users.owner.identity)
    prefix = current_app.config["ACCESS_ACTION_CACHE_PREFIX"]
    experiment_keys = [conf["action"] for conf in app.config["CAP_EXPERIMENTS"].values()]
    with app.test_request_context():
        assert _local() == {}
        RecordPermissionPolicy("read")._prefetch_grants()
        local = dict(_local())
        for key in [superuser_access.value, GRANTS_KEY, *experiment_keys]:
            stored = current_cache.get(prefix + key)
            assert stored is not None, key
            assert local[key] == stored
    with app.test_request_context():
        DepositPermissionPolicy("read")._prefetch_grants()
        assert set(_local()) == {superuser_access.value, GRANTS_KEY}
    with app.test_request_context():
        DepositPermissionPolicy("read")._prefetch_grants()
        monkeypatch.setattr(current_cache, "get", _refuse)
        DepositPermissionPolicy("read").query_filter(users.owner.identity)


def test_missing_keys_left_to_the_normal_path(app, users):
    with app.test_request_context():
        prefetch(["no-such-action"])
        assert "no-such-action" not in _local()


def test_keys_dropped_in_the_transaction_are_not_read(app, users):
    """An action changed in the open transaction reads as missing (as ``get``)."""
    with app.test_request_context():
        DepositPermissionPolicy("read").query_filter(users.owner.identity)
    prefix = current_app.config["ACCESS_ACTION_CACHE_PREFIX"]
    key = prefix + GRANTS_KEY
    try:
        assert access_cache.get_many(key)[0] is not None
        access_cache.delete(key)
        current_cache.set(key, {"stale": True})  # another process, mid-transaction
        assert access_cache.get_many(key, prefix + superuser_access.value)[0] is None
        assert access_cache.get(key) is None
    finally:
        db.session.rollback()
    assert current_cache.get(key) is None  # dropped again at the end


def test_superuser_granted_is_seen_by_the_next_filter(app, users):
    """A new superuser grant reaches the next request's filter (no stale prefetch)."""
    person = users.stranger
    with app.test_request_context():
        assert DepositPermissionPolicy("read").query_filter(person.identity).to_dict() != {
            "match_all": {}
        }
    db.session.add(ActionUsers.allow(superuser_access, user_id=person.id))
    db.session.commit()
    try:
        with app.test_request_context():
            assert DepositPermissionPolicy("read").query_filter(person.identity).to_dict() == {
                "match_all": {}
            }
    finally:
        for row in ActionUsers.query.filter_by(action=superuser_access.value, user_id=person.id):
            db.session.delete(row)  # row by row: the mapper events drop the cache
        db.session.commit()
    with app.test_request_context():
        assert DepositPermissionPolicy("read").query_filter(person.identity).to_dict() != {
            "match_all": {}
        }


def _refuse(*keys):
    raise AssertionError("the store was read one key at a time after the prefetch")
