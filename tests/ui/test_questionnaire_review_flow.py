"""The CMS statistics questionnaire end to end, in a real browser and through the API.

CAP (UI + API) is served on loopback; mail is sent by a real Celery worker
process (through RabbitMQ) to a real SMTP server on 127.0.0.1. A CMS member
fills and publishes a questionnaire, the committee and the owner get the
mails the schema's rules name (the HyperNews trigger address because its
check holds), a committee member requests changes, the owner edits and
republishes, the committee approves; the review state shows on the
dashboard and in search. Then: a working group whose checks fail gets no
mail to their addresses, a refusing SMTP server is retried and the publish
kept, and a CMS member without the review right gets 403.
"""

import os
import re
import shutil
import time
from pathlib import Path

import pytest
import requests
from invenio_app.factory import create_app as create_ui_and_api
from playwright.sync_api import expect
from support.live import celery_worker
from test_browser import goto_until, login, screenshot, wait_saved

create_app = create_ui_and_api

TYPE = "cms-stats-questionnaire"
COMMITTEE = "cms-statistics-committee@cern.ch"
HIG_CONTACT = "hig-stats-contact@cern.ch"
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SLOW = 90000
"""Milliseconds a create or publish may take (indexing on a loaded machine)."""
WORKER_SETTINGS = ("MAIL_SERVER", "MAIL_PORT", "MAIL_SUPPRESS_SEND",
                   "CAP_NOTIFICATIONS_MAX_RETRIES", "CAP_NOTIFICATIONS_RETRY_BACKOFF")


@pytest.fixture(scope="module")
def celery_config_ext(celery_config_ext):
    """Tasks go to the broker, on a queue of this module, for the worker."""
    celery_config_ext.update(CELERY_TASK_ALWAYS_EAGER=False,
                             CELERY_TASK_DEFAULT_QUEUE=f"cap-questionnaire-{os.getpid()}")
    return celery_config_ext


@pytest.fixture(scope="module")
def app_config(app_config, live_app_config, smtp):
    """Served with CSRF on; mail to the test server; quick retries; HIG's committee list."""
    app_config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_SUPPRESS_SEND=False,
        CAP_NOTIFICATIONS_MAX_RETRIES=2, CAP_NOTIFICATIONS_RETRY_BACKOFF=1,
        CAP_NOTIFICATIONS_CMS_STATS_COMMITTEE={"HIG": [HIG_CONTACT]},
    )
    return live_app_config(app_config)


@pytest.fixture(scope="module")
def worker(app, instance_path, tmp_path_factory, smtp):
    """The Celery worker that sends the mails, with this app's mail settings."""
    log = tmp_path_factory.mktemp("worker") / "celery.log"
    settings = {f"INVENIO_{key}": repr(app.config[key]) for key in WORKER_SETTINGS}
    with celery_worker(app, instance_path, log, **settings) as process:
        yield process


@pytest.fixture(scope="module")
def people(app, cap_server, create_user, ui_password):
    """The questionnaire's owner, a committee member (the demo grants: the
    e-group reviews questionnaires), a CMS member who may not review, an admin."""
    from flask_security.utils import hash_password
    from invenio_db import db

    from cap.modules.reviews.demo import load_demo_reviewers

    load_demo_reviewers()
    members = "cms-members@cern.ch"
    people = {
        "owner": create_user("hh-analyst@inveniosoftware.org", roles=[members]),
        "committee": create_user("stats-reviewer@inveniosoftware.org",
                                 roles=[members, "cms-stats-committee@cern.ch"]),
        "member": create_user("cms-bystander@inveniosoftware.org", roles=[members]),
        "admin": create_user("cap-support@inveniosoftware.org",
                             roles=["analysis-preservation-support@cern.ch"]),
    }
    for person in people.values():
        person.user.password = hash_password(ui_password)
    db.session.commit()
    return type("People", (), people)


class Api:
    """The live API with a user's token (token requests need no CSRF token)."""

    def __init__(self, base):
        """``base``: the served app's URL."""
        self.base = f"{base}/api"

    def __call__(self, method, path, user, **kwargs):
        """One request as ``user``; the ``requests`` response."""
        return requests.request(method, f"{self.base}{path}", headers=user.headers,
                                timeout=60, **kwargs)


@pytest.fixture(scope="module")
def api(cap_server):
    """Requests to the live API."""
    return Api(cap_server)


def mail(mailbox, subject, seconds=60):
    """The message with ``subject`` and its envelope, once the worker sent it."""
    deadline = time.monotonic() + seconds
    while True:
        found = [(m, set(e)) for m, e in zip(mailbox.messages, mailbox.envelopes, strict=True)
                 if m["Subject"] == subject]
        if found:
            [only] = found
            return only
        assert time.monotonic() < deadline, (
            f"no mail {subject!r}; got {[m['Subject'] for m in mailbox.messages]}")
        time.sleep(0.2)


def trail(api, user, pid, count, seconds=60):
    """The deposit's audit trail once ``count`` rows are no longer queued."""
    deadline = time.monotonic() + seconds
    while True:
        hits = api("GET", f"/deposits/{pid}/notifications", user).json()["hits"]["hits"]
        if len(hits) == count and all(hit["status"] != "queued" for hit in hits):
            return hits
        assert time.monotonic() < deadline, hits
        time.sleep(0.3)


def review_on_record_page(page, base, recid, kind, comment):
    page.goto(f"{base}/published/{recid}")
    panel = page.get_by_role("region", name="Reviews")
    panel.get_by_label(kind).check()
    panel.get_by_label("Comment for the submitter").fill(comment)
    panel.get_by_role("button", name="Submit review").click()
    expect(panel.locator(".review").last).to_contain_text(comment)
    return panel


def test_the_questionnaire_flow(app, cap_server, worker, people, smtp, api, chromium,
                                ui_password, artifacts):
    mailbox = smtp.handler
    mailbox.reset()
    owner_context = chromium.new_context(viewport={"width": 1280, "height": 900})
    committee_context = chromium.new_context(viewport={"width": 1280, "height": 900})
    try:
        for context in (owner_context, committee_context):
            context.set_default_timeout(20000)
        owner = owner_context.new_page()
        committee = committee_context.new_page()

        # The owner fills a questionnaire in the form and publishes it.
        login(owner, cap_server, people.owner.email, ui_password)
        owner.get_by_label("Type").select_option(TYPE)
        owner.get_by_label("Title (optional)").fill("HH to bbtautau statistics questionnaire")
        owner.get_by_role("button", name="Create draft").click()
        owner.wait_for_url(re.compile(r"/drafts/\w+"), timeout=SLOW)
        depid = owner.url.rsplit("/", 1)[1]
        owner.get_by_label("Your name", exact=True).fill("Maria Rossi")
        owner.get_by_label("Your email address", exact=True).fill("maria.rossi@cern.ch")
        owner.get_by_label("Working group", exact=True).select_option(label="HIG – Higgs Physics")
        owner.get_by_label("CADI ID", exact=True).fill("HIG-21-004")
        owner.get_by_label("Three-line summary", exact=True).fill(
            "HH to bbtautau in 138/fb; a DNN output is fitted.")
        wait_saved(owner)
        owner.get_by_role("button", name="Publish…").click()
        step = owner.get_by_role("dialog", name="Publish this analysis")
        step.get_by_role("button", name=re.compile("^Publish to")).click()
        owner.wait_for_url(re.compile(r"/published/CMS-STATS-"), timeout=SLOW)
        recid = owner.url.rsplit("/", 1)[1]

        # The committee, the HIG conveners and the owner; in blind copy the
        # HyperNews trigger (a CADI id exists) and HIG's statistics contact.
        submitted, envelope = mail(
            mailbox, f"[CMS-STATS] Questionnaire {recid} submitted: HIG-21-004")
        assert set(submitted["To"].split(", ")) == {
            COMMITTEE, "cms-hig-conveners@cern.ch", people.owner.email}
        assert envelope == {COMMITTEE, "cms-hig-conveners@cern.ch", people.owner.email,
                            "hn-cms-hig-21-004@cern.ch", HIG_CONTACT}
        assert "Bcc" not in submitted
        assert f"{cap_server}/published/{recid}" in submitted.get_content()

        # A committee member requests changes on the record page.
        login(committee, cap_server, people.committee.email, ui_password)
        review_on_record_page(committee, cap_server, recid, "Request changes",
                              "Give the fit range of the DNN output.")
        changes, envelope = mail(mailbox, f"[CMS-STATS] Review of {recid}: Changes requested")
        assert envelope == {people.owner.email, people.committee.email, COMMITTEE,
                            "maria.rossi@cern.ch"}
        assert "Give the fit range of the DNN output." in changes.get_content()

        # The owner sees it on the dashboard and the record, edits and republishes.
        # (The dashboard reads the index: reloaded until it shows the new state.)
        mine = owner.get_by_role("region", name="My published").locator(
            ".hit", has_text="HH to bbtautau")
        goto_until(owner, f"{cap_server}/",
                   mine.locator(".badge-review", has_text="changes requested"), seconds=20)
        owner.goto(f"{cap_server}/published/{recid}")
        expect(owner.get_by_role("region", name="Reviews")).to_contain_text(
            "Give the fit range of the DNN output.")
        owner.get_by_role("button", name="Edit").click()
        owner.wait_for_url(f"**/drafts/{depid}")
        # The draft page shows what the record's reviewers asked for.
        asked = owner.get_by_role("region", name=f"Reviews of {recid}, as published")
        expect(asked).to_contain_text("Give the fit range of the DNN output.")
        expect(asked.get_by_role("button", name="Submit review")).to_have_count(0)
        owner.get_by_label("Three-line summary", exact=True).fill(
            "HH to bbtautau in 138/fb; the DNN output is fitted between 0.1 and 1.")
        wait_saved(owner)
        owner.get_by_role("button", name="Publish…").click()
        owner.get_by_role("dialog", name="Publish this analysis").get_by_role(
            "button", name=re.compile("^Publish to")).click()
        owner.wait_for_url(f"**/published/{recid}", timeout=SLOW)
        mail(mailbox, f"[CMS-STATS] Questionnaire {recid} resubmitted: HIG-21-004")
        # The new revision asks for review again: the request is about an earlier version.
        reviews = owner.get_by_role("region", name="Reviews")
        expect(reviews.locator(".review").first).to_contain_text("about an earlier version")
        goto_until(owner, f"{cap_server}/",
                   mine.locator(".badge-review", has_text="review pending"), seconds=20)

        # The committee approves the new revision.
        panel = review_on_record_page(committee, cap_server, recid, "Approve",
                                      "The fit range is documented now.")
        expect(panel.locator(".review").last).to_contain_text("approved")
        mail(mailbox, f"[CMS-STATS] Review of {recid}: Approved")
        panel.scroll_into_view_if_needed()
        panel.screenshot(path=str(artifacts / "review-panel-flow.png"))
        goto_until(committee, f"{cap_server}/search?tab=published&q=&collection={TYPE}",
                   committee.locator(".hit", has_text="HH to bbtautau").locator(".badge-review"),
                   seconds=20)
        expect(committee.locator(".hit", has_text="HH to bbtautau").locator(
            ".badge-review")).to_have_text("approved")

        # The audit trail: four mails, all sent, on the record page.
        hits = trail(api, people.owner, depid, 4)
        assert [(h["action"], h["status"]) for h in hits] == [
            ("publish", "sent"), ("review", "sent"), ("publish", "sent"), ("review", "sent")]
        owner.goto(f"{cap_server}/published/{recid}")
        mails = owner.get_by_role("region", name="Notifications")
        expect(mails.locator("li")).to_have_count(4)
        expect(mails.get_by_text(f"[CMS-STATS] Review of {recid}: Approved")).to_be_visible()
        # The owner administers the deposit: blind copies listed apart, as Bcc.
        bcc = mails.locator("li").first.locator("div", has=owner.locator("dt", has_text="Bcc"))
        expect(bcc).to_contain_text(f"hn-cms-hig-21-004@cern.ch, {HIG_CONTACT}")
        expect(mails.locator("li").first).to_contain_text(
            re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC"))
        mails.scroll_into_view_if_needed()
        mails.screenshot(path=str(artifacts / "notifications-trail.png"))
        screenshot(owner, artifacts, "30-questionnaire-approved")
        # A reader who does not administer it sees the trail without blind copies.
        committee.goto(f"{cap_server}/published/{recid}")
        theirs = committee.get_by_role("region", name="Notifications")
        expect(theirs.locator("li")).to_have_count(4)
        expect(theirs.locator("dt", has_text="Bcc")).to_have_count(0)
        expect(theirs).not_to_contain_text("hn-cms-hig-21-004@cern.ch")
    finally:
        owner_context.close()
        committee_context.close()
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(artifacts / "review-panel-flow.png", DOCS_SCREENSHOTS / "review-panel.png")
    shutil.copy(artifacts / "notifications-trail.png", DOCS_SCREENSHOTS / "notifications-trail.png")


def questionnaire(api, user, example, **context):
    """A questionnaire drafted through the API (the shipped example, ``context`` changed)."""
    data = example(TYPE)
    data["analysis_context"] = {
        key: value for key, value in {**data["analysis_context"], **context}.items()
        if value is not None}
    answer = api("POST", "/deposits/", user, json={"$ana_type": TYPE, **data})
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def test_checks_that_fail_mail_nobody_of_theirs(cap_server, worker, people, smtp, api, example):
    """EXO, no CADI id: not the HIG conveners, no HyperNews trigger, the searches' contacts."""
    mailbox = smtp.handler
    mailbox.reset()
    pid = questionnaire(api, people.owner, example, cms_working_group="EXO", cadi_id=None,
                        analysis_title="Search for dark photons in dimuon events")
    recid = api("POST", f"/deposits/{pid}/actions/publish", people.owner).json()["recid"]
    message, envelope = mail(
        mailbox, f"[CMS-STATS] Questionnaire {recid} submitted: "
                 "Search for dark photons in dimuon events")
    assert envelope == {COMMITTEE, "cms-searches-stat-contacts@cern.ch", people.owner.email}


def test_a_refusing_smtp_server_is_retried_and_the_publish_kept(
    cap_server, worker, people, smtp, api, example, app, browser_page, ui_password, artifacts
):
    mailbox = smtp.handler
    mailbox.reset()
    mailbox.mode = "refuse"
    pid = questionnaire(api, people.owner, example, cadi_id="HIG-22-001")
    published = api("POST", f"/deposits/{pid}/actions/publish", people.owner)
    assert published.status_code == 202
    recid = published.json()["recid"]
    assert api("GET", f"/records/{recid}", people.member).status_code == 200
    retries = app.config["CAP_NOTIFICATIONS_MAX_RETRIES"]
    [row] = trail(api, people.owner, pid, 1)
    assert row["status"] == "failed" and row["attempts"] == retries + 1 == mailbox.refused
    assert mailbox.messages == []
    login(browser_page, cap_server, people.owner.email, ui_password)
    browser_page.goto(f"{cap_server}/published/{recid}")
    mails = browser_page.get_by_role("region", name="Notifications")
    expect(mails.get_by_text("failed", exact=True)).to_be_visible()
    expect(mails).to_contain_text(f"{retries + 1} attempts")
    expect(mails.locator(".alert-danger")).to_contain_text("554 5.7.1 Relaying refused")
    mails.screenshot(path=str(artifacts / "notifications-failed.png"))
    shutil.copy(artifacts / "notifications-failed.png",
                DOCS_SCREENSHOTS / "notifications-failed.png")
    failed = api("GET", "/notifications/failed", people.admin)
    assert row["id"] in [hit["id"] for hit in failed.json()["hits"]["hits"]]
    assert api("GET", "/notifications/failed", people.owner).status_code == 403


def test_a_member_without_the_review_right_gets_403(cap_server, worker, people, smtp, api,
                                                    example):
    mailbox = smtp.handler
    pid = questionnaire(api, people.owner, example, cadi_id="HIG-22-002")
    recid = api("POST", f"/deposits/{pid}/actions/publish", people.owner).json()["recid"]
    trail(api, people.owner, pid, 1)
    # The member may read the draft too (shared): reading is not reviewing.
    shared = api("POST", f"/deposits/{pid}/actions/permissions", people.owner, json=[
        {"email": people.member.email, "type": "user", "op": "add", "action": "deposit-read"}])
    assert shared.status_code == 201, shared.text
    mailbox.reset()
    body = {"type": "approved", "body": "Looks fine to me."}
    for user in (people.member, people.owner):  # a reader; the owner, who is not granted
        for kind, target in (("records", recid), ("deposits", pid)):
            refused = api("POST", f"/{kind}/{target}/actions/review", user, json=body)
            assert refused.status_code == 403, (kind, user.email, refused.text)
            assert refused.json()["message"]
    assert api("GET", f"/records/{recid}", people.member).json()["review"] == []
    time.sleep(2)  # a review mail would be on its way by now
    assert mailbox.messages == []
