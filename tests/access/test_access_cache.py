"""invenio-access's ACCESS_CACHE (Redis): used, per-run keys, and grant changes seen at once."""

import time

import pytest
from flask import current_app
from invenio_access import Permission
from invenio_access.models import ActionUsers, get_action_cache_key
from invenio_access.permissions import ParameterizedActionNeed
from invenio_cache import current_cache
from invenio_db import db

from cap.modules.access.cli import access

ACTION, ARGUMENT = "deposit-schema-create", "cms-analysis"


@pytest.fixture(scope="module")
def person(create_user, experiment_roles):
    """A user with no grant of their own."""
    return create_user("access-cache@cern.ch")


def allows(user, action=ACTION, argument=ARGUMENT):
    """A fresh check, as each request makes it."""
    return Permission(ParameterizedActionNeed(action, argument)).allows(user.identity)


def cached(action=ACTION, argument=ARGUMENT):
    """The cached expansion of the action, or ``None``."""
    key = get_action_cache_key(action, argument)
    return current_cache.get(current_app.config["ACCESS_ACTION_CACHE_PREFIX"] + key)


def test_expansions_are_cached_under_this_runs_prefix(app, person):
    assert app.config["ACCESS_ACTION_CACHE_PREFIX"].startswith("cap:test-")
    allows(person)
    entry = cached()
    assert entry is not None
    assert entry.needs is not None  # the expansion invenio-access stored


def test_cli_grant_and_removal_are_seen_at_once(app, cli_runner, person):
    assert not allows(person)  # cache warm with "not granted"
    result = cli_runner(access, None, "allow", ACTION, "--argument", ARGUMENT,
                        "--email", person.email)
    assert result.exit_code == 0, result.output
    assert allows(person)
    result = cli_runner(access, None, "deny", ACTION, "--argument", ARGUMENT,
                        "--email", person.email)
    assert result.exit_code == 0, result.output
    assert not allows(person)


def test_schema_permissions_endpoint_is_seen_at_once(app, client, schemas, users, create_user):
    member = create_user("access-cache-endpoint@cern.ch")
    assert not allows(member)
    url = f"/jsonschemas/{ARGUMENT}/permissions"
    grant = [{"type": "user", "email": member.email, "action": ACTION}]
    response = client.post(url, json=grant, headers=users.admin.headers)
    assert response.status_code == 201, response.get_data(as_text=True)
    assert allows(member)
    response = client.delete(url, json=grant, headers=users.admin.headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert not allows(member)


def test_rolled_back_grant_does_not_stay_cached(app, person):
    assert not allows(person)
    need = ParameterizedActionNeed(ACTION, ARGUMENT)
    db.session.add(ActionUsers.allow(need, user=person.user))
    db.session.flush()
    assert allows(person)  # seen inside the transaction ...
    db.session.rollback()
    assert not allows(person)  # ... and gone with it
    assert ActionUsers.query.filter_by(user_id=person.id).count() == 0


def test_change_in_transaction_is_not_cached_before_commit(app, person):
    need = ParameterizedActionNeed(ACTION, ARGUMENT)
    db.session.add(ActionUsers.allow(need, user=person.user))
    db.session.flush()
    assert allows(person)
    assert cached() is None  # not stored while uncommitted
    db.session.commit()
    assert allows(person)
    assert cached() is not None
    ActionUsers.query.filter_by(user_id=person.id).one()
    db.session.delete(ActionUsers.query.filter_by(user_id=person.id).one())
    db.session.commit()
    assert not allows(person)


def _read_draft(client, user, pid):
    """The status of reading the draft (404 when not allowed: not even its
    existence is told)."""
    return client.get(f"/deposits/{pid}", headers=user.headers).status_code


def _generic_draft(env):
    draft = env.service.create(env.users.owner.identity,
                               {"$ana_type": "generic", "title": "Shared by schema grant"})
    db.session.commit()
    return draft


def test_grant_revoked_over_http_is_refused_on_the_next_request(client, env):
    """A schema grant given and revoked through the API: the very next
    request of the grantee is allowed, then refused (no cached grant lives
    on)."""
    u = env.users
    draft = _generic_draft(env)
    url = "/jsonschemas/generic/permissions"
    grant = [{"type": "user", "email": u.stranger.email, "action": "deposit-schema-read"}]
    assert _read_draft(client, u.stranger, draft.pid) == 404  # "not granted" cached
    assert client.post(url, json=grant, headers=u.admin.headers).status_code == 201
    assert _read_draft(client, u.stranger, draft.pid) == 200
    assert client.delete(url, json=grant, headers=u.admin.headers).status_code == 200
    assert _read_draft(client, u.stranger, draft.pid) == 404


def test_grant_removed_without_the_orm_expires_with_the_ttl(app, client, env, monkeypatch):
    """A grant row deleted with plain SQL (no mapper event drops the cache,
    as another tool's change): refused once ``CAP_ACCESS_CACHE_TTL`` has
    passed."""
    monkeypatch.setitem(app.config, "CAP_ACCESS_CACHE_TTL", 1)
    u = env.users
    draft = _generic_draft(env)
    grant = [{"type": "user", "email": u.stranger.email, "action": "deposit-schema-read"}]
    answer = client.post("/jsonschemas/generic/permissions", json=grant,
                         headers=u.admin.headers)
    assert answer.status_code == 201
    assert _read_draft(client, u.stranger, draft.pid) == 200  # cached for 1 s
    db.session.execute(ActionUsers.__table__.delete().where(
        ActionUsers.__table__.c.user_id == u.stranger.id))
    db.session.commit()
    time.sleep(1.5)
    assert _read_draft(client, u.stranger, draft.pid) == 404
