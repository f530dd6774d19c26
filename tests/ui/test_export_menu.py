"""The record page's Export menu in a real browser: every format listed, each
a download of what GET /api/records/<recid>?format=<name> answers."""

import pytest
from invenio_app.factory import create_app as create_ui_and_api
from playwright.sync_api import expect
from test_browser import login, screenshot

create_app = create_ui_and_api

TITLE = "Recasting dark-matter searches with simplified models"


@pytest.fixture(scope="module")
def app_config(app_config, live_app_config):
    """Served on its own port, with CSRF protection on."""
    return live_app_config(app_config)


@pytest.fixture(scope="module")
def recid(cap_server, ui_user):
    """A generic record of ``ui_user``, published through the service."""
    from invenio_access.permissions import authenticated_user
    from invenio_access.utils import get_identity

    from cap.modules.deposit.proxies import current_deposit_service as service

    identity = get_identity(ui_user)
    identity.provides.add(authenticated_user)
    draft = service.create(identity, {
        "$ana_type": "generic", "general_title": TITLE, "title": TITLE,
        "description": "Reinterpretation of CMS searches.",
        "people": [{"name": "Sofia Andersson", "orcid": "0000-0002-1825-0097"}],
    })
    return service.publish(identity, draft.pid).data["_deposit"]["pid"]["value"]


def test_export_menu_downloads_each_format(cap_server, browser_page, ui_user, ui_password,
                                           artifacts, recid):
    page = browser_page
    login(page, cap_server, ui_user.email, ui_password)
    page.goto(f"{cap_server}/published/{recid}")
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    page.get_by_text("Export", exact=True).click()
    menu = page.get_by_role("menu", name="Export formats")
    expect(menu).to_be_visible()
    labels = ["BibTeX", "DataCite JSON", "DataCite XML", "schema.org JSON-LD", "Dublin Core",
              "CSL-JSON", "MARCXML"]
    expect(menu.get_by_role("menuitem")).to_have_text(labels)
    screenshot(page, artifacts, "20-record-export-menu")
    with page.expect_download() as download:
        menu.get_by_role("menuitem", name="BibTeX").click()
    assert download.value.suggested_filename == f"{recid}.bib"
    bibtex = open(download.value.path(), encoding="utf-8").read()
    assert bibtex.startswith(f"@misc{{{recid},") and "Andersson, Sofia" in bibtex
    with page.expect_download() as download:
        menu.get_by_role("menuitem", name="DataCite XML").click()
    xml = open(download.value.path(), encoding="utf-8").read()
    assert "http://datacite.org/schema/kernel-4" in xml and TITLE in xml
