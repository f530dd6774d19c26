"""Notifications end to end: publish and review of the CMS statistics questionnaire
through the real SMTP server, the audit trail, the rules' API, retries."""

import json

import pytest

from cap.modules.notifications.models import Notification
from cap.modules.reviews.signals import review_created

COMMITTEE = "cms-statistics-committee@cern.ch"


@pytest.fixture
def api(env, client, mailbox):
    """The test client (with an empty mailbox)."""
    return client


@pytest.fixture
def questionnaire(env, example):
    """Draft a questionnaire (the shipped example: HIG, CADI HIG-21-004) as the owner."""

    def draft(**changes):
        data = example("cms-stats-questionnaire")
        data["analysis_context"].update(changes)
        data["analysis_context"] = {k: v for k, v in data["analysis_context"].items()
                                    if v is not None}
        return env.service.create(
            env.users.owner.identity, {"$ana_type": "cms-stats-questionnaire", **data}
        )

    return draft


def publish(api, user, pid):
    return api.post(f"/deposits/{pid}/actions/publish", headers=user.headers)


def envelope_of(mailbox, subject_part):
    [index] = [i for i, m in enumerate(mailbox.messages) if subject_part in m["Subject"]]
    return mailbox.messages[index], set(mailbox.envelopes[index])


def test_publish_mails_what_the_shipped_rules_name(api, env, questionnaire, mailbox):
    u = env.users
    pid = questionnaire().pid
    answer = publish(api, u.owner, pid)
    assert answer.status_code == 202
    recid = answer.json["recid"]
    [message] = mailbox.messages
    assert message["Subject"] == (
        f"[CMS-STATS] Questionnaire {recid} submitted: HIG-21-004"
    )
    assert set(message["To"].split(", ")) == {
        COMMITTEE, "cms-hig-conveners@cern.ch", u.owner.email,
    }
    assert "Bcc" not in message  # blind copies travel in the envelope only
    assert set(mailbox.envelopes[0]) == {
        COMMITTEE, "cms-hig-conveners@cern.ch", u.owner.email,
        "hn-cms-hig-21-004@cern.ch",  # the HyperNews trigger: its check holds
        "hig-stats-contact@cern.ch",  # the HIG committee list (per working group)
    }
    body = message.get_content()
    assert "Working group: HIG" in body and f"/published/{recid}" in body
    assert f"Submitted by: {u.owner.email}" in body

    trail = api.get(f"/deposits/{pid}/notifications", headers=u.owner.headers)
    assert trail.status_code == 200
    [row] = trail.json["hits"]["hits"]
    assert row["status"] == "sent" and row["attempts"] == 1 and row["action"] == "publish"
    assert row["subject"] == message["Subject"] and row["sender"] == u.owner.id
    assert "hn-cms-hig-21-004@cern.ch" in row["recipients"]["bcc"]


def test_checks_that_fail_send_no_mail_to_their_addresses(api, env, questionnaire, mailbox):
    u = env.users
    pid = questionnaire(cadi_id=None, cms_working_group="EXO").pid
    assert publish(api, u.owner, pid).status_code == 202
    [envelope] = mailbox.envelopes
    assert set(envelope) == {COMMITTEE, "cms-searches-stat-contacts@cern.ch", u.owner.email}
    assert not any(a.startswith("hn-cms-") for a in envelope)


def test_submitter_outside_the_egroup_is_not_mailed_as_submitter(app, env, questionnaire,
                                                                 mailbox, create_user):
    """is_egroup_member: an admin (not in cms-members) publishing gets no submitter copy."""
    u = env.users
    deposit = questionnaire()
    env.service.publish(u.admin.identity, deposit.pid)
    [envelope] = mailbox.envelopes
    assert u.admin.email not in envelope and u.owner.email in envelope  # owner: get_owner


def test_trail_is_for_readers_only(api, env, questionnaire):
    u = env.users
    pid = questionnaire().pid
    publish(api, u.owner, pid)
    assert api.get(f"/deposits/{pid}/notifications",
                   headers=u.atlas.headers).status_code in (403, 404)
    assert api.get(f"/deposits/{pid}/notifications", headers=u.stranger.headers).status_code in (
        403, 404)
    assert api.get(f"/deposits/{pid}/notifications").status_code == 401
    assert api.get(f"/deposits/{pid}/notifications", headers=u.admin.headers).status_code == 200


def test_blind_copies_only_for_the_deposit_admins(api, env, questionnaire):
    u = env.users
    pid = questionnaire().pid
    publish(api, u.owner, pid)
    env.service.update_permissions(u.owner.identity, pid, [
        {"email": u.colleague.email, "type": "user", "op": "add", "action": "deposit-read"}])
    [seen] = api.get(f"/deposits/{pid}/notifications",
                     headers=u.colleague.headers).json["hits"]["hits"]
    assert "bcc" not in seen["recipients"] and COMMITTEE in seen["recipients"]["to"]
    [full] = api.get(f"/deposits/{pid}/notifications", headers=u.owner.headers).json["hits"]["hits"]
    assert "hn-cms-hig-21-004@cern.ch" in full["recipients"]["bcc"]


def test_refusing_smtp_server_retries_and_keeps_the_publish(api, env, questionnaire, mailbox,
                                                            app):
    u = env.users
    mailbox.mode = "refuse"
    pid = questionnaire().pid
    answer = publish(api, u.owner, pid)
    assert answer.status_code == 202  # the action stands
    recid = answer.json["recid"]
    assert api.get(f"/records/{recid}", headers=u.owner.headers).status_code == 200
    retries = app.config["CAP_NOTIFICATIONS_MAX_RETRIES"]
    assert mailbox.refused == retries + 1 and mailbox.messages == []
    [row] = api.get(f"/deposits/{pid}/notifications", headers=u.owner.headers).json["hits"]["hits"]
    assert row["status"] == "failed" and row["attempts"] == retries + 1
    assert "554" in row["error"]
    failed = api.get("/notifications/failed", headers=u.admin.headers)
    assert failed.status_code == 200
    assert [hit["id"] for hit in failed.json["hits"]["hits"]] == [row["id"]]
    assert api.get("/notifications/failed", headers=u.owner.headers).status_code == 403


def test_review_signal_sends_the_review_messages(api, env, questionnaire, mailbox, app):
    u = env.users
    pid = questionnaire().pid
    recid = publish(api, u.owner, pid).json["recid"]
    mailbox.reset()
    record = env.records.read(u.owner.identity, recid)
    review_created.send(  # as the reviews module sends it
        app, kind="record", pid=recid, record_id=str(record.id), user_id=u.colleague.id,
        review={"id": 1, "type": "request_changes", "body": "Please add the goodness of fit.",
                "reviewer": u.colleague.id, "created": "2026-12-02T06:00:00", "resolved": False,
                "outdated": False, "comments": []},
    )
    message, envelope = envelope_of(mailbox, "Review of")
    assert message["Subject"] == f"[CMS-STATS] Review of {recid}: Changes requested"
    assert envelope == {u.owner.email, u.colleague.email, COMMITTEE, "maria.rossi@cern.ch"}
    assert f"Decision: Changes requested by {u.colleague.email}" in message.get_content()
    trail = api.get(f"/deposits/{pid}/notifications", headers=u.owner.headers).json
    assert [hit["action"] for hit in trail["hits"]["hits"]] == ["publish", "review"]


def test_review_of_a_draft_and_of_an_unknown_record(api, env, questionnaire, mailbox, app,
                                                     caplog):
    import uuid

    u = env.users
    draft = questionnaire()
    review_created.send(
        app, record_id=str(draft.id), user_id=u.colleague.id,
        review={"type": "approved", "body": "Fine.", "reviewer": u.colleague.id})
    message, envelope = envelope_of(mailbox, "Review of")
    assert message["Subject"] == f"[CMS-STATS] Review of {draft.pid}: Approved"
    assert f"/drafts/{draft.pid}" in message.get_content()
    mailbox.reset()
    review_created.send(app, record_id=str(uuid.uuid4()), review={})
    assert mailbox.messages == []  # logged, and the sender is not disturbed
    assert "unknown record" in caplog.text


def test_kill_switch_sends_and_records_nothing(api, env, questionnaire, mailbox, app,
                                               monkeypatch):
    u = env.users
    monkeypatch.setitem(app.config, "CAP_NOTIFICATIONS_ENABLED", False)
    pid = questionnaire().pid
    assert publish(api, u.owner, pid).status_code == 202
    assert mailbox.messages == [] and Notification.query.filter_by(depid=pid).count() == 0


def test_kill_switch_stops_what_was_queued(app, db, mailbox, monkeypatch):
    from cap.modules.notifications.tasks import send_notification

    row = Notification(depid="d1", action="publish", subject="queued before",
                       body="...", recipients={"to": ["a@cern.ch"]})
    db.session.add(row)
    db.session.commit()
    monkeypatch.setitem(app.config, "CAP_NOTIFICATIONS_ENABLED", False)
    send_notification(row.id)
    assert mailbox.messages == []
    assert row.status == "failed" and "switched off" in row.error


RULES = {"actions": {"publish": [{
    "subject": {"template": "Published {{ published_id }}"},
    "body": {"template": "<p>{{ title }}</p>"},
    "recipients": {"to": ["stats-only@cern.ch"]},
}]}}


def test_schema_admins_read_and_change_rules(api, env, questionnaire, mailbox):
    u = env.users
    url = "/jsonschemas/cms-stats-questionnaire/notifications"
    read = api.get(url, headers=u.admin.headers)
    assert read.status_code == 200 and set(read.json["actions"]) == {"publish", "review"}
    assert api.get(url, headers=u.owner.headers).status_code == 403
    assert api.put(url, data=json.dumps(RULES), headers=u.owner.headers).status_code == 403
    changed = api.put(url, data=json.dumps(RULES), headers=u.admin.headers)
    assert changed.status_code == 200 and changed.json == RULES
    assert api.get(url, headers=u.admin.headers).json == RULES

    pid = questionnaire().pid
    publish(api, u.owner, pid)
    [message] = mailbox.messages
    assert mailbox.envelopes == [["stats-only@cern.ch"]]
    html = message.get_body(preferencelist=("html",))  # not "plain": an HTML body
    assert html is not None and "<p>" in html.get_content()


def test_invalid_rules_are_refused_naming_the_field(api, env):
    u = env.users
    url = "/jsonschemas/cms-stats-questionnaire/notifications"
    before = api.get(url, headers=u.admin.headers).json
    bad = {"actions": {"publish": [{"recipients": {"to": [{"checks": [
        {"condition": "equals", "path": "analysis_context.cms_working_group"}],
        "mails": {"default": ["x@cern.ch"]}}]}}]}}
    answer = api.put(url, data=json.dumps(bad), headers=u.admin.headers)
    assert answer.status_code == 400
    assert answer.json["errors"] == [{
        "field": ["actions", "publish", "0", "recipients", "to", "0", "checks", "0", "value"],
        "message": "Required for this condition.",
    }]
    assert api.get(url, headers=u.admin.headers).json == before  # nothing half-written
    assert api.put("/jsonschemas/no-such/notifications", data=json.dumps(RULES),
                   headers=u.admin.headers).status_code == 404


@pytest.fixture(scope="module")
def questionnaire_admin(create_user):
    """A CMS member who administers the questionnaire type only (no superuser)."""
    from invenio_access.models import ActionUsers
    from invenio_access.permissions import ParameterizedActionNeed
    from invenio_db import db

    person = create_user("stats-type-admin@cern.ch", roles=["cms-members@cern.ch"])
    db.session.add(ActionUsers.allow(
        ParameterizedActionNeed("deposit-schema-admin", "cms-stats-questionnaire"),
        user_id=person.id))
    db.session.commit()
    return person


def test_a_type_admin_reads_and_changes_the_rules_of_their_type_only(
        api, env, questionnaire_admin):
    headers = questionnaire_admin.headers
    own = "/jsonschemas/cms-stats-questionnaire/notifications"
    read = api.get(own, headers=headers)
    assert read.status_code == 200 and set(read.json["actions"]) == {"publish", "review"}
    changed = api.put(own, data=json.dumps(RULES), headers=headers)
    assert changed.status_code == 200 and changed.json == RULES
    assert api.get(own, headers=headers).json == RULES

    other = "/jsonschemas/cms-analysis/notifications"
    before = api.get(other, headers=env.users.admin.headers).json
    assert api.get(other, headers=headers).status_code == 403
    assert api.put(other, data=json.dumps(RULES), headers=headers).status_code == 403
    assert api.get(other, headers=env.users.admin.headers).json == before
