"""The record page's Export menu and Zenodo panel in a real browser: every
format listed, each a download of what GET /api/records/<recid>?format=<name>
answers; publishing to the fake Zenodo shows the DOI on the record."""

from pathlib import Path

import pytest
from invenio_app.factory import create_app as create_ui_and_api
from playwright.sync_api import expect
from support.records import publish_generic
from test_browser import login, screenshot

create_app = create_ui_and_api

TITLE = "Recasting dark-matter searches with simplified models"


@pytest.fixture(scope="module")
def app_config(app_config, live_app_config, zenodo_server):
    """Served on its own port, with CSRF protection on; Zenodo is the local fake."""
    app_config.update(zenodo_server.config)
    return live_app_config(app_config)


@pytest.fixture(scope="module")
def recid(cap_server, ui_user):
    """A generic record of ``ui_user`` with a file, published through the service."""
    return publish_generic(ui_user, TITLE,
                           [{"name": "Sofia Andersson", "orcid": "0000-0002-1825-0097"}],
                           files={"limits.json": b'{"mu": 1.2}'})


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
    bibtex = Path(download.value.path()).read_text(encoding="utf-8")
    assert bibtex.startswith(f"@misc{{{recid},") and "Andersson, Sofia" in bibtex
    with page.expect_download() as download:
        menu.get_by_role("menuitem", name="DataCite XML").click()
    xml = Path(download.value.path()).read_text(encoding="utf-8")
    assert "http://datacite.org/schema/kernel-4" in xml and TITLE in xml


def test_publish_on_zenodo_shows_the_doi(cap_server, browser_page, ui_user, ui_password,
                                         artifacts, recid, zenodo_server):
    page = browser_page
    login(page, cap_server, ui_user.email, ui_password)
    page.goto(f"{cap_server}/published/{recid}")
    panel = page.locator(".zenodo-panel")
    expect(panel).to_contain_text("Not on Zenodo yet.")
    panel.get_by_role("button", name="Publish on Zenodo").click()
    expect(panel.locator(".doi")).to_have_text("10.5072/zenodo.1001")
    screenshot(page, artifacts, "21-record-zenodo-doi")
    assert list(zenodo_server.buckets["bucket-1001"]) == ["limits.json"]
    panel.get_by_role("button", name="Publish a new version on Zenodo").click()
    expect(panel.locator(".doi")).to_have_text("10.5072/zenodo.1002")
    expect(panel.locator(".conceptdoi")).to_have_text("10.5072/zenodo.1000")
    page.reload()  # stored on the record
    expect(page.locator(".zenodo-panel .doi")).to_have_text("10.5072/zenodo.1002")
