"""The review panel in a real browser: a committee member reviews a CMS
statistics questionnaire on its draft page and on its record page, and the
search page shows the review status (hits and facet)."""

import json
import re
from pathlib import Path

import pytest
from invenio_app.factory import create_app as create_ui_and_api
from playwright.sync_api import expect
from test_browser import goto_until, login, screenshot

create_app = create_ui_and_api

COMMITTEE = "cms-stats-committee@cern.ch"
TYPE = "cms-stats-questionnaire"


@pytest.fixture(scope="module")
def app_config(app_config, live_app_config):
    """Served on its own port, with CSRF protection on."""
    return live_app_config(app_config)


@pytest.fixture(scope="module")
def committee_member(app, database, ui_password, experiment_roles):
    """A CMS member of the statistics committee, which reviews questionnaires."""
    from flask_security.utils import hash_password
    from invenio_access.models import ActionRoles
    from invenio_access.permissions import ParameterizedActionNeed
    from invenio_accounts.proxies import current_datastore
    from invenio_db import db

    from cap.modules.instance.fixtures import ensure_role

    role = ensure_role(COMMITTEE)
    for action in ("deposit-schema-review", "record-schema-review"):
        db.session.add(ActionRoles.allow(ParameterizedActionNeed(action, TYPE), role=role))
    user = current_datastore.create_user(
        email="ui-committee@inveniosoftware.org", password=hash_password(ui_password),
        active=True)
    user.confirmed_at = db.func.now()
    current_datastore.add_role_to_user(user, ensure_role("cms-members@cern.ch"))
    current_datastore.add_role_to_user(user, role)
    db.session.commit()
    return user


def test_a_committee_member_reviews_a_questionnaire(
    app, cap_server, browser_page, ui_user, committee_member, ui_password, artifacts
):
    from invenio_access.utils import get_identity

    from cap.modules.deposit.proxies import current_deposit_service

    root = Path(app.config["CAP_SCHEMAS_DIR"]) / TYPE
    example = json.loads(sorted(root.glob("v*/example.json"))[-1].read_text())
    owner = get_identity(ui_user)
    draft = current_deposit_service.create(owner, {"$ana_type": TYPE, **example})
    page = browser_page
    login(page, cap_server, committee_member.email, ui_password)
    page.goto(f"{cap_server}/drafts/{draft.pid}")
    panel = page.get_by_role("region", name="Reviews")
    expect(panel).to_contain_text("No reviews yet.")
    panel.get_by_label("Request changes").check()
    panel.get_by_label("Comment for the submitter").fill("Give the fit range of the DNN output.")
    panel.get_by_role("button", name="Submit review").click()
    review = panel.locator(".review").first
    expect(review).to_contain_text("changes requested")
    expect(review).to_contain_text(f"by {committee_member.email}")
    expect(review).to_contain_text("Give the fit range of the DNN output.")
    panel.get_by_label("Comment", exact=True).fill("See the statistics twiki.")
    panel.get_by_role("button", name="Comment", exact=True).click()
    expect(review).to_contain_text("See the statistics twiki.")
    panel.get_by_role("button", name="Resolve").click()
    expect(review).to_contain_text("resolved")
    expect(panel.get_by_role("button", name="Delete")).to_be_visible()  # their own review
    screenshot(page, artifacts, "20-review-panel")
    # The panel alone (docs/screenshots/review-panel.png comes from test_questionnaire_review_flow).
    page.locator(".review-panel").screenshot(path=str(artifacts / "review-panel.png"))

    # The owner sees the reviews but no review form: owning is not reviewing.
    recid = current_deposit_service.publish(owner, draft.pid).recid
    page.goto(f"{cap_server}/published/{recid}")
    record_panel = page.get_by_role("region", name="Reviews")
    expect(record_panel).to_contain_text("changes requested")
    record_panel.get_by_label("Approve").check()
    record_panel.get_by_role("button", name="Submit review").click()
    expect(record_panel.locator(".review").last).to_contain_text("approved")
    screenshot(page, artifacts, "21-record-review")

    # Search: the hit shows its status, and the facet counts it.
    goto_until(page, f"{cap_server}/search?q=&collection={TYPE}",
               page.locator(".hit .badge-review"))
    expect(page.locator(".hit .badge-review").first).to_have_text(
        re.compile("approved|changes requested|review pending"))
    expect(page.get_by_role("group", name="Review status")).to_be_visible()
    screenshot(page, artifacts, "22-search-review-status")


def test_the_owner_sees_reviews_without_a_review_form(
    app, cap_server, browser_page, ui_user, committee_member, ui_password
):
    from invenio_access.utils import get_identity

    from cap.modules.deposit.proxies import current_deposit_service
    from cap.modules.reviews.proxies import current_review_service

    root = Path(app.config["CAP_SCHEMAS_DIR"]) / TYPE
    example = json.loads(sorted(root.glob("v*/example.json"))[-1].read_text())
    example["analysis_context"]["cadi_id"] = "HIG-21-777"
    draft = current_deposit_service.create(get_identity(ui_user), {"$ana_type": TYPE, **example})
    reviewer = get_identity(committee_member)
    current_review_service.review(reviewer, "deposit", draft.pid,
                                  {"type": "declined", "body": "Wrong analysis."})
    page = browser_page
    login(page, cap_server, ui_user.email, ui_password)
    page.goto(f"{cap_server}/drafts/{draft.pid}")
    panel = page.get_by_role("region", name="Reviews")
    expect(panel).to_contain_text("declined")
    expect(panel).to_contain_text("Wrong analysis.")
    expect(panel.get_by_role("button", name="Submit review")).to_have_count(0)
    expect(panel.get_by_role("button", name="Resolve")).to_have_count(0)
