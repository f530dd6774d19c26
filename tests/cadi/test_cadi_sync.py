"""The CADI sync through the deposit service, against the fake CADI."""

import pytest
from invenio_access.utils import get_identity
from invenio_db import db

from cap.modules.cms.cadi.models import CadiAnalysis, CadiSyncRun
from cap.modules.cms.cadi.sync import sync_from_cadi, sync_from_file
from cap.modules.cms.cadi.tasks import sync_cadi
from cap.modules.core.errors import NotFoundError, UpstreamUnavailableError, ValidationError
from cap.modules.deposit.records.api import Deposit

ACTIVE = 16  # 20 items: 3 Inactive/SUPERSEDED/Free, 1 malformed


@pytest.fixture()
def contact(create_user):
    """The demo CMS user is the contact of two sample analyses."""
    from invenio_accounts.models import User

    user = User.query.filter_by(email="cms@inveniosoftware.org").one_or_none()
    return user or create_user("cms@inveniosoftware.org", roles=["cms-members@cern.ch"]).user


def draft_of(cadi_id):
    row = db.session.get(CadiAnalysis, cadi_id)
    return Deposit.get_record(row.deposit_uuid) if row else None


def test_first_sync_creates_drafts(env, fake_cadi, contact):
    summary, since = sync_from_cadi()
    assert since is None
    assert summary.counts == {
        "created": ACTIVE, "updated": 0, "unchanged": 0, "skipped": 3, "failed": 1
    }
    assert {p["cadi_id"] for p in summary.problems} == {
        "EXO-18-099", "SUS-18-050", "TOP-22-900", "HIG-2X-0?"
    }
    assert CadiAnalysis.query.count() == ACTIVE
    assert draft_of("EXO-18-099") is None and draft_of("TOP-22-900") is None

    deposit = draft_of("EXO-19-001")
    assert deposit["_deposit"]["fetched_from"] == "cadi"
    assert deposit["_experiment"] == "CMS"
    assert deposit["basic_info"] == {
        "cadi_id": "EXO-19-001",
        "analysis_title": deposit["cadi_info"]["name"],
        "cms_working_group": "EXO",
    }
    assert deposit["cadi_info"]["status"] == "PHYS-APP"
    admin = deposit["_access"]["deposit-admin"]
    assert admin["roles"] == ["cms-conveners@cern.ch"]
    assert admin["users"] == [contact.id]
    # a contact neither CAP nor the directory knows: no grant, a warning
    assert draft_of("TOP-20-001")["_access"]["deposit-admin"]["users"] == []
    assert any("jonas.berg@cern.ch" in warning for warning in summary.warnings)
    # the contact may update it; a CMS member without a grant does not even see it
    contact_identity = get_identity(contact)
    assert env.service.abilities(contact_identity, deposit)["can_admin"]
    with pytest.raises(NotFoundError):
        env.service.read(env.users.owner.identity, deposit.pid)
    run = CadiSyncRun.query.one()
    assert run.status == "success" and run.summary["created"] == ACTIVE


def test_second_sync_is_idempotent_and_incremental(env, fake_cadi, contact):
    sync_from_cadi()
    fake_cadi.requests.clear()
    summary, since = sync_from_cadi()
    assert since is not None  # from the last successful run
    assert any(f"updated_since={since}" in path for _, path in fake_cadi.requests)
    summary, _ = sync_from_cadi(full=True)
    assert summary.counts["created"] == 0
    assert summary.counts["unchanged"] == ACTIVE
    assert CadiAnalysis.query.count() == ACTIVE


def test_changed_analysis_updates_only_cadi_info(env, fake_cadi, contact):
    sync_from_cadi()
    deposit = draft_of("HIG-21-004")
    metadata = dict(deposit.metadata)
    metadata["basic_info"] = {**metadata["basic_info"], "abstract": "Written in CAP."}
    env.service.update(env.users.admin.identity, deposit.pid, metadata)
    item = next(a for a in fake_cadi.analyses if a.get("code") == "HIG-21-004")
    item.update(status="PUB", publicationStatus="Published", updateDate="2023-01-02 10:00:00")
    summary, _ = sync_from_cadi(full=True)
    assert summary.counts["updated"] == 1
    assert summary.counts["unchanged"] == ACTIVE - 1
    deposit = draft_of("HIG-21-004")
    assert deposit["cadi_info"]["status"] == "PUB"
    assert deposit["cadi_info"]["updated"] == "2023-01-02T10:00:00"
    assert deposit["basic_info"]["abstract"] == "Written in CAP."


def test_dry_run_writes_nothing(env, fake_cadi):
    summary, _ = sync_from_cadi(dry_run=True)
    assert summary.counts["created"] == ACTIVE
    assert CadiAnalysis.query.count() == 0
    assert CadiSyncRun.query.count() == 0


def test_upstream_down_is_recorded(env, fake_cadi):
    fake_cadi.mode = "down"
    with pytest.raises(UpstreamUnavailableError):
        sync_from_cadi()
    run = CadiSyncRun.query.one()
    assert run.status == "failed" and "CADI" in run.error
    assert CadiAnalysis.query.count() == 0


def test_task_retries_when_down(env, fake_cadi):
    fake_cadi.mode = "down"
    result = sync_cadi.apply()
    assert result.failed()
    # the first try and one retry (CAP_CADI_TASK_MAX_RETRIES=1), both recorded
    assert [run.status for run in CadiSyncRun.query] == ["failed", "failed"]
    fake_cadi.mode = "ok"
    result = sync_cadi.apply()
    assert result.successful() and result.result["created"] == ACTIVE


def test_failure_midway_keeps_done_items_and_rerun_completes(env, fake_cadi):
    pages = []
    original = fake_cadi.analyses
    fake_cadi.analyses = original[:7]
    sync_from_cadi()
    pages.append(CadiAnalysis.query.count())
    fake_cadi.analyses = original
    summary, _ = sync_from_cadi(full=True)
    assert summary.counts["created"] == ACTIVE - pages[0]
    assert CadiAnalysis.query.count() == ACTIVE


def test_hand_made_draft_cannot_claim_a_synced_id(env, fake_cadi):
    later = next(a for a in fake_cadi.analyses if a.get("code") == "TOP-21-008")
    fake_cadi.analyses.remove(later)
    sync_from_cadi()
    owner = env.users.owner
    data = {
        "$ana_type": "cms-analysis",
        "basic_info": {"cadi_id": "EXO-19-001", "analysis_title": "Mine"},
    }
    with pytest.raises(ValidationError) as error:
        env.service.create(owner.identity, data)
    assert error.value.errors[0]["field"] == ["basic_info", "cadi_id"]
    # claiming it later through an update is refused too
    mine = env.service.create(owner.identity, {"$ana_type": "cms-analysis"})
    with pytest.raises(ValidationError):
        env.service.update(owner.identity, mine.pid, {"basic_info": {"cadi_id": "EXO-19-001"}})
    # an id no draft holds is fine; a second hand-made claim of it is not
    env.service.update(owner.identity, mine.pid, {"basic_info": {"cadi_id": "TOP-21-008"}})
    with pytest.raises(ValidationError):
        env.service.create(
            env.users.colleague.identity,
            {"$ana_type": "cms-analysis", "basic_info": {"cadi_id": "TOP-21-008"}},
        )
    # when CADI lists it, the sync adopts the hand-made draft (no duplicate)
    fake_cadi.analyses.append(later)
    summary, _ = sync_from_cadi(full=True)
    assert summary.counts["created"] == 0 and summary.counts["updated"] == 1
    assert db.session.get(CadiAnalysis, "TOP-21-008").depid == mine.pid
    assert draft_of("TOP-21-008")["cadi_info"]["name"].startswith("Search for CP violation")


def test_hand_made_claim_answers_400_over_http(env, fake_cadi, client):
    sync_from_cadi()
    owner = env.users.owner
    answer = client.post(
        "/deposits/",
        json={"$ana_type": "cms-analysis", "basic_info": {"cadi_id": "SUS-19-009"}},
        headers=owner.headers,
    )
    assert answer.status_code == 400
    assert answer.json["errors"][0]["field"] == ["basic_info", "cadi_id"]
    assert "SUS-19-009" in answer.json["errors"][0]["message"]
    # The holder by its id, for the reader to open if it may (not in the words).
    holder = draft_of("SUS-19-009").pid
    assert answer.json["errors"][0]["draft"] == holder
    assert holder not in answer.json["errors"][0]["message"]


def test_demo_file_goes_through_the_same_path(env, app, contact):
    summary = sync_from_file(app.config["CAP_CADI_DEMO_FILE"])
    assert summary.counts["created"] == ACTIVE and summary.counts["failed"] == 1
    again = sync_from_file(app.config["CAP_CADI_DEMO_FILE"])
    assert again.counts["unchanged"] == ACTIVE


def test_daily_beat_entry_names_the_task(app):
    entry = app.config["CELERY_BEAT_SCHEDULE"]["cadi-sync"]
    assert entry["task"] == sync_cadi.name
    assert entry["schedule"].total_seconds() == 24 * 3600
