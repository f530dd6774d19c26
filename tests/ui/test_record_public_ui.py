"""Opening a record to the world from its page, in a real browser: the
record's admin of a type opened one by one (the shipped generic type, its
config ``"public_records": "per_record"``) confirms what opening means, then
OAI-PMH harvests it until they close it; a reader is never offered it."""

import re

import pytest
import requests
from invenio_app.factory import create_app as create_ui_and_api
from lxml import etree
from playwright.sync_api import expect
from support.records import publish_generic
from test_browser import login, screenshot

create_app = create_ui_and_api

TITLE = "Recasting dark-matter searches, opened to the world"
READER = "ui-reader@inveniosoftware.org"
OAI = {"oai": "http://www.openarchives.org/OAI/2.0/"}


@pytest.fixture(scope="module")
def app_config(app_config, live_app_config):
    """Served on its own port, with CSRF protection on."""
    return live_app_config(app_config)


@pytest.fixture(scope="module")
def reader(cap_server, ui_password):
    """Another CMS member with a password: reads the record, is not its admin."""
    from flask_security.utils import hash_password
    from invenio_accounts.proxies import current_datastore
    from invenio_db import db

    from cap.modules.instance.fixtures import ensure_role

    user = current_datastore.create_user(email=READER, password=hash_password(ui_password),
                                         active=True)
    user.confirmed_at = db.func.now()
    current_datastore.add_role_to_user(user, ensure_role("cms-members@cern.ch"))
    db.session.commit()
    return user


@pytest.fixture(scope="module")
def recid(cap_server, ui_user):
    """A generic record of ``ui_user``, published through the service."""
    return publish_generic(ui_user, TITLE, [{"name": "Sofia Andersson"}])


def harvested(cap_server, recid):
    """Whether OAI-PMH disseminates the record (GetRecord, as anyone)."""
    from invenio_search import current_search_client
    from invenio_search.utils import build_alias_name

    current_search_client.indices.refresh(index=build_alias_name("records"))
    answer = requests.get(f"{cap_server}/oai2d", timeout=10, params={
        "verb": "GetRecord", "metadataPrefix": "oai_dc",
        "identifier": f"oai:analysispreservation.cern.ch:{recid}"})
    return etree.fromstring(answer.content).find("oai:GetRecord", OAI) is not None


def test_the_owner_opens_and_closes_the_record(cap_server, browser_page, ui_user,
                                                ui_password, artifacts, recid):
    page = browser_page
    login(page, cap_server, ui_user.email, ui_password)
    page.goto(f"{cap_server}/published/{recid}")
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    # Its admin is offered the record's actions (generic v2.0.0 goes to Zenodo).
    expect(page.get_by_role("button", name="Publish on Zenodo")).to_be_visible()
    expect(page.get_by_role("button", name="Rerun and compare")).to_be_visible()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    assert not harvested(cap_server, recid)
    page.get_by_role("button", name="Open to the world").click()
    dialog = page.get_by_role("dialog", name="Open this record to the world?")
    expect(dialog).to_contain_text("harvest its metadata through OAI-PMH")
    expect(dialog).to_contain_text("citation metadata")
    expect(dialog).to_contain_text(f"/published/{recid}")
    screenshot(page, artifacts, "22-record-open-to-the-world")
    dialog.get_by_role("button", name="Open to the world").click()
    expect(dialog).to_be_hidden()
    expect(page.locator(".badge-public")).to_have_text("open to the world")
    expect(page.get_by_role("button", name="Close", exact=True)).to_be_visible()
    screenshot(page, artifacts, "23-record-opened")
    assert harvested(cap_server, recid)
    page.reload()  # stored on the record
    expect(page.locator(".badge-public")).to_be_visible()

    page.get_by_role("button", name="Close", exact=True).click()
    dialog = page.get_by_role("dialog", name="Close this record to the world?")
    expect(dialog).to_contain_text("OAI-PMH will no longer harvest it")
    dialog.get_by_role("button", name="Close to the world").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("button", name="Open to the world")).to_be_visible()
    expect(page.locator(".badge-public")).to_have_count(0)
    assert not harvested(cap_server, recid)


def test_a_reader_is_not_offered_it(cap_server, browser_page, reader, ui_password,
                                    artifacts, recid):
    page = browser_page
    login(page, cap_server, READER, ui_password)
    with page.expect_response(re.compile(r"/api/deposits/[^/?]+$")) as draft:
        page.goto(f"{cap_server}/published/{recid}")
    assert draft.value.status in (403, 404)  # a reader of the record, not of its draft
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(page.get_by_role("link", name="JSON")).to_be_visible()  # the actions are drawn
    expect(page.get_by_role("button", name="Open to the world")).to_have_count(0)
    expect(page.get_by_role("button", name="Close", exact=True)).to_have_count(0)
    # The badge (a result) but not the rerun (the draft's update right); nothing of
    # Zenodo (not on it, not theirs to push); no trail of a draft they cannot read.
    expect(page.get_by_role("heading", name="Reproducibility")).to_be_visible()
    expect(page.get_by_role("button", name="Rerun and compare")).to_have_count(0)
    expect(page.get_by_role("heading", name="Zenodo")).to_have_count(0)
    expect(page.get_by_role("heading", name="Notifications")).to_have_count(0)
    expect(page.get_by_text("does not exist")).to_have_count(0)
    screenshot(page, artifacts, "24-record-reader-no-open-control")
