"""``load_demo_deposits``: one draft per type, published when valid, idempotent."""

from cap.modules.deposit.demo import load_demo_deposits


def test_demo_deposits(env, app, refresh):
    from cap.modules.instance.fixtures import load_demo_users

    load_demo_users()
    created = load_demo_deposits()
    types = {kind for _, kind, _, _ in created}
    assert set(env.schemas) == types
    owners = {kind: email for email, kind, _, _ in created}
    assert owners["cms-analysis"] == "cms@inveniosoftware.org"
    assert owners["atlas-analysis"] == "atlas@inveniosoftware.org"
    assert any(recid for _, _, _, recid in created)
    assert load_demo_deposits() == []
