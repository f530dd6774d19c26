"""Sharing rules: exact addresses only, and the owner always keeps their rights."""

import json

import pytest

from cap.modules.core.errors import InvalidRequestError

LEVELS = ("deposit-read", "deposit-update", "deposit-admin")


def share(type_, email, op="add", action="deposit-read"):
    return [{"email": email, "type": type_, "op": op, "action": action}]


@pytest.fixture
def draft(env):
    return env.service.create(env.users.owner.identity, {"$ana_type": "generic", "title": "t"})


@pytest.mark.parametrize(("type_", "address"), [
    ("user", "own_r@cern.ch"),
    ("user", "%"),
    ("user", "%support%"),
    ("user", "_%@cern.ch"),
    ("egroup", "%support%"),
    ("egroup", "%"),
    ("egroup", "analysis-preservation-suppor_@cern.ch"),
])
def test_patterns_match_nobody(env, client, draft, type_, address):
    """``%`` and ``_`` are characters, not patterns: nothing is revealed, nothing shared."""
    u = env.users
    answer = client.post(f"/deposits/{draft.pid}/actions/permissions", headers=u.owner.headers,
                         data=json.dumps(share(type_, address)))
    assert answer.status_code == 400
    assert answer.json["errors"][0]["field"] == ["0", "email"]
    text = json.dumps(answer.json)
    for known in (u.owner.email, u.admin.email, "analysis-preservation-support@cern.ch"):
        assert known not in text
    access = env.service.read(u.owner.identity, draft.pid)["_access"]["deposit-read"]
    assert access == {"users": [u.owner.id], "roles": []}


def test_addresses_match_whatever_their_case(env, draft):
    u = env.users
    deposit = env.service.update_permissions(u.owner.identity, draft.pid, [
        *share("user", u.colleague.email.upper()),
        *share("egroup", "CMS-Members@CERN.ch"),
    ])
    assert deposit["_access"]["deposit-read"] == {
        "users": [u.owner.id, u.colleague.id], "roles": ["cms-members@cern.ch"]}


@pytest.mark.parametrize("action", LEVELS)
def test_a_shared_admin_cannot_evict_the_owner(env, client, draft, action):
    u = env.users
    env.service.update_permissions(u.owner.identity, draft.pid,
                                   share("user", u.colleague.email,
                                         action="deposit-admin"))
    answer = client.post(f"/deposits/{draft.pid}/actions/permissions",
                         headers=u.colleague.headers,
                         data=json.dumps(share("user", u.owner.email,
                                               op="remove", action=action)))
    assert answer.status_code == 400
    assert answer.json["errors"] == [{"field": ["0", "email"], "message": (
        f"The owner of the draft always keeps {action}: it cannot be removed.")}]
    deposit = env.service.read(u.owner.identity, draft.pid)
    for level in LEVELS:
        assert u.owner.id in deposit["_access"][level]["users"]
    assert client.get(f"/deposits/{draft.pid}", headers=u.owner.headers).status_code == 200


def test_the_owner_cannot_drop_their_own_rights_either(env, draft):
    u = env.users
    with pytest.raises(InvalidRequestError) as error:
        env.service.update_permissions(u.owner.identity, draft.pid, [
            *share("user", u.colleague.email),
            *share("user", u.owner.email, op="remove", action="deposit-admin"),
        ])
    assert [e["field"] for e in error.value.errors] == [["1", "email"]]
    # Nothing of the refused list was applied.
    deposit = env.service.read(u.owner.identity, draft.pid)
    assert u.colleague.id not in deposit["_access"]["deposit-read"]["users"]
