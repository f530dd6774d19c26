"""The "Code repositories" panel's "Create repository" of a type's template, in a
real browser (fake GitLab as gitlab.cern.ch behind CAP).

An ATLAS member opens a new ATLAS draft: the shipped template (the ATLAS
default repository) says what it needs; once the Glance ID is saved the
panel shows the name it will make, creates the repository in its group and
shows it with its release webhook. The fake's demo trigger (``/_fake/push``,
what a demo user runs) then tags a release and delivers it signed to the
live server: the snapshot shows after a reload. Screenshots go to
``test-artifacts/ui/``.
"""

import re

import pytest
import requests
from invenio_app.factory import create_app as create_ui_and_api
from playwright.sync_api import expect
from test_browser import login, screenshot, wait_saved

create_app = create_ui_and_api
PASSWORD = "atlas-ui-test-password"


@pytest.fixture(scope="module")
def gitlab():
    """A fake GitLab for the module."""
    from fakes.git_server import start_gitlab

    fake = start_gitlab()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def app_config(app_config, live_app_config, github_server, gitlab):
    """Served on its own port; github.com and gitlab.cern.ch are the fakes."""
    from fakes.git_server import hosts_config

    app_config["CAP_REPOSITORIES_HOSTS"] = hosts_config(github_server, gitlab)
    return live_app_config(app_config)


@pytest.fixture(scope="module")
def atlas_user(app, database, experiment_roles):
    """A confirmed ATLAS member who logs in with email and password."""
    from flask_security.utils import hash_password
    from invenio_accounts.proxies import current_datastore
    from invenio_db import db

    from cap.modules.instance.fixtures import ensure_role

    user = current_datastore.create_user(email="ui-atlas@inveniosoftware.org",
                                         password=hash_password(PASSWORD), active=True)
    user.confirmed_at = db.func.now()
    current_datastore.add_role_to_user(user, ensure_role("atlas-active-members-all@cern.ch"))
    db.session.commit()
    return user


def test_create_the_types_repository_and_see_its_release_snapshot(
        cap_server, browser_page, atlas_user, artifacts, gitlab):
    page = browser_page
    login(page, cap_server, atlas_user.email, PASSWORD)
    page.goto(f"{cap_server}/")
    page.get_by_label("Type").select_option("atlas-analysis")
    page.get_by_label("Title (optional)").fill("Stop search, one lepton")
    page.get_by_role("button", name="Create draft").click()
    page.wait_for_url(re.compile(r"/drafts/\w+"), timeout=30000)
    wait_saved(page)

    panel = page.get_by_role("region", name="Code repositories")
    templates = panel.get_by_role("list", name="Repository templates")
    expect(templates).to_contain_text("gitlab.cern.ch/atlas-cap: Fill basic_info.glance_id first")
    expect(panel.get_by_role("button", name="Create repository")).to_be_disabled()

    page.locator("#field_basic_info_glance_id").fill("23712")
    wait_saved(page)
    expect(templates).to_contain_text("gitlab.cern.ch/atlas-cap/analysis-23712 "
                                      "(private, every release snapshotted)")
    screenshot(page, artifacts, "repository-template-1-ready")
    panel.get_by_role("button", name="Create repository analysis-23712").click()
    expect(panel.get_by_role("status")).to_have_text(
        "Created https://gitlab.cern.ch/atlas-cap/analysis-23712; "
        "a snapshot is taken at every release.", timeout=15000)
    expect(templates.get_by_role("link", name="gitlab.cern.ch/atlas-cap/analysis-23712")
           ).to_have_attribute("href", "https://gitlab.cern.ch/atlas-cap/analysis-23712")
    expect(templates.get_by_text("Created", exact=True)).to_be_visible()
    expect(panel.get_by_role("button", name="Create repository")).to_have_count(0)
    expect(panel.get_by_text("gitlab.cern.ch/atlas-cap/analysis-23712: every release (active)")
           ).to_be_visible()
    project = gitlab.find("atlas-cap/analysis-23712")
    assert project.private
    screenshot(page, artifacts, "repository-template-2-created")

    # The demo trigger: a tagged commit, delivered signed by the fake to the live server.
    answer = requests.post(f"{gitlab.url}/_fake/push", timeout=15,
                           json={"repository": "atlas-cap/analysis-23712", "tag": "v1.1.0"})
    assert answer.status_code == 200, answer.text
    assert [d["status"] for d in answer.json()["deliveries"]] == [202]
    page.reload()
    panel = page.get_by_role("region", name="Code repositories")
    rows = panel.get_by_role("table", name="Snapshots").locator("tbody tr")
    expect(rows).to_have_count(1, timeout=15000)
    expect(rows.first).to_contain_text("v1.1.0")
    expect(rows.first).to_contain_text(answer.json()["sha"][:10])
    expect(rows.first).to_contain_text("done", timeout=15000)
    files = page.get_by_role("region", name="Files")
    expect(files.get_by_text("repositories/gitlab.cern.ch/atlas-cap/analysis-23712/v1.1.0.tar.gz")
           ).to_be_visible()
    panel.screenshot(path=str(artifacts / "repository-template-3-panel.png"))
