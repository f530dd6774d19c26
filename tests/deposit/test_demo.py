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
    # The generic example is published with the files its example-files/ holds
    # (the demo record Zenodo can publish: it needs files).
    from invenio_files_rest.models import ObjectVersion

    from cap.modules.records.api import PublishedRecord

    recid = next(recid for _, kind, _, recid in created if kind == "generic")
    record = PublishedRecord.get_by_pid(recid)
    keys = sorted(o.key for o in ObjectVersion.get_by_bucket(record.bucket))
    assert keys == ["cards.tar.gz", "results/limits.json"]
    assert load_demo_deposits() == []
