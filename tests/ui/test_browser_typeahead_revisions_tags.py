"""In a real browser: type-ahead in the search box, the record's revision list
and diff, editing a file's tags, and suggestions that fill their siblings
(issue 24), keywords from the CMS keyword list. Same served app and Chromium as
``test_browser.py``."""

import re

import pytest
import test_browser
from invenio_app.factory import create_app as create_ui_and_api
from playwright.sync_api import expect
from test_browser import DATASETS, create_draft, login, screenshot, wait_saved

create_app = create_ui_and_api
datasets = test_browser.datasets


@pytest.fixture(scope="module")
def app_config(app_config, live_app_config, orcid_server):
    """Served on its own port, with CSRF protection on; ORCID is the local fake."""
    app_config.update(CAP_ORCID_API_URL=orcid_server.url, CAP_ORCID_TIMEOUT=2,
                      CAP_ORCID_RETRIES=1, CAP_ORCID_BACKOFF=0.05)
    return live_app_config(app_config)


def publish(identity, title, cadi_id, **basic_info):
    """A published cms-analysis of ``identity``: ``(draft pid, recid)``.

    Titled in both title fields: cms-analysis v2.0.0 suggests titles from the
    analysis title (its config's ``suggest``), the page heading shows the
    general one.
    """
    from cap.modules.deposit.proxies import current_deposit_service as service

    draft = service.create(identity, {
        "$ana_type": "cms-analysis", "general_title": title,
        "basic_info": {"cadi_id": cadi_id, "cms_working_group": "HIG",
                       "analysis_title": title, **basic_info},
    })
    published = service.publish(identity, draft.pid)
    return draft.pid, published["_deposit"]["pid"]["value"]


def refresh_indexes():
    from invenio_search import current_search_client
    from invenio_search.utils import build_alias_name

    for alias in ("deposits", "records"):
        current_search_client.indices.refresh(index=build_alias_name(alias))


def test_search_box_suggests_titles_and_cadi_ids(
    cap_server, browser_page, ui_user, ui_password, artifacts
):
    from invenio_access.utils import get_identity

    identity = get_identity(ui_user)
    publish(identity, "Dimuon resonances at high mass", "HIG-21-004")
    publish(identity, "Dimuon spectrum at low mass", "HIG-21-005")
    publish(identity, "Top quark pair production", "TOP-21-001")
    refresh_indexes()
    page = browser_page
    login(page, cap_server, ui_user.email, ui_password)
    # The header's quick search looks in what was published, and suggests titles.
    quick = page.get_by_role("combobox", name="Search analyses")
    quick.fill("dimuon")
    quick.press("Enter")
    expect(page.get_by_role("tab", name="Published")).to_have_attribute("aria-selected", "true")
    expect(page.locator(".result-count")).to_have_text("2 results")
    page.goto(f"{cap_server}/")
    quick.press_sequentially("top q", delay=20)
    header_titles = page.locator(".nav-search").get_by_role("listbox", name="Suggested titles")
    expect(header_titles.get_by_role("option")).to_have_count(1)
    screenshot(page, artifacts, "21-header-typeahead")
    header_titles.get_by_role("option").click()
    expect(page).to_have_url(re.compile(r"/search\?.*q=%22Top\+quark\+pair\+production%22"))
    expect(page.get_by_role("tab", name="Published")).to_have_attribute("aria-selected", "true")
    expect(page.locator(".result-count")).to_have_text("1 result")
    page.goto(f"{cap_server}/search?tab=published")
    box = page.get_by_role("combobox", name="Query")
    box.press_sequentially("dimu", delay=20)
    listbox = page.get_by_role("listbox", name="Suggested titles")
    options = listbox.get_by_role("option")
    expect(options).to_have_count(2)
    expect(listbox).not_to_contain_text("Top quark")
    screenshot(page, artifacts, "22-search-typeahead")
    box.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    picked = options.first.locator(".suggest-label").inner_text()
    box.press("Enter")
    # Picked as a phrase, and searched at once.
    expect(box).to_have_value(f'"{picked}"')
    expect(listbox).to_be_hidden()
    expect(page.locator(".result-count")).to_have_text("1 result")
    expect(page.locator("tr.hit")).to_contain_text(picked)

    # A CADI term suggests ids; the pick replaces the term, the rest stays.
    box.fill("")
    box.press_sequentially("dimuon cadi=hig-21", delay=20)
    cadi = page.get_by_role("listbox", name="Suggested cadi ids")
    expect(cadi.get_by_role("option")).to_have_count(2)
    cadi.get_by_role("option", name=re.compile("HIG-21-005")).click()
    expect(box).to_have_value("dimuon cadi=HIG-21-005")
    expect(page).to_have_url(re.compile(r"q=dimuon\+cadi%3DHIG-21-005"))
    expect(page.locator("tr.hit")).to_contain_text("Dimuon spectrum at low mass")
    expect(page.locator(".result-count")).to_have_text("1 result")


def test_record_lists_revisions_with_authors_and_diffs_them(
    app, cap_server, browser_page, ui_user, ui_password, artifacts
):
    from invenio_access.utils import get_identity

    from cap.modules.deposit.proxies import current_deposit_service as service

    identity = get_identity(ui_user)
    pid, recid = publish(identity, "Higgs to four leptons", "HIG-19-001",
                         abstract="First look.")
    service.edit(identity, pid)
    draft = service.read(identity, pid)
    metadata = {**draft.metadata, "general_title": "Higgs to four leptons, full Run 2"}
    metadata["basic_info"] = {**metadata["basic_info"], "abstract": "With 2018 data."}
    service.update(identity, pid, metadata)
    service.publish(identity, pid)

    page = browser_page
    login(page, cap_server, ui_user.email, ui_password)
    page.goto(f"{cap_server}/published/{recid}")
    revisions = page.get_by_role("region", name="Revisions")
    items = revisions.locator("ol.revisions li")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text(f"by {ui_user.email}")
    expect(items.nth(1)).to_contain_text(f"by {ui_user.email}")
    expect(revisions.get_by_label("From", exact=True)).to_have_value("0")
    expect(revisions.get_by_label("to", exact=True)).to_have_value("1")
    revisions.get_by_role("button", name="Compare").click()
    diff = revisions.get_by_role("region", name="Changes from revision 0 to 1")
    rows = diff.locator("tbody tr")
    # Labelled as the form labels them, in the form's order (title first).
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("th")).to_contain_text("Title")
    expect(rows.nth(0).locator(".diff-old")).to_have_text("Higgs to four leptons")
    expect(rows.nth(0).locator(".diff-new")).to_have_text("Higgs to four leptons, full Run 2")
    expect(rows.nth(1).locator("th")).to_contain_text("Basic information › Abstract")
    expect(diff).not_to_contain_text("basic_info")
    screenshot(page, artifacts, "23-record-revisions-diff")
    # The same revision twice: nothing to show.
    revisions.get_by_label("From", exact=True).select_option("1")
    revisions.get_by_role("button", name="Compare").click()
    expect(revisions.get_by_role("status")).to_contain_text("No differences")
    # An older revision is one click away.
    items.nth(0).get_by_role("link", name="Revision 0").click()
    expect(page.get_by_role("heading", name="Higgs to four leptons", exact=True)).to_be_visible()
    expect(page.get_by_text("You are looking at revision 0.")).to_be_visible()


def test_files_panel_edits_tags(cap_server, browser_page, ui_user, ui_password, artifacts):
    page = browser_page
    login(page, cap_server, ui_user.email, ui_password)
    create_draft(page, cap_server, "Tags of a file")
    # (v2.0.0's options repeat the title's description as its help: said once)
    expect(page.get_by_text("The title lists, search, mails and exports show")).to_have_count(1)
    panel = page.get_by_role("region", name="Files")
    panel.get_by_label("File", exact=True).set_input_files(
        files=[{"name": "fit.root", "mimeType": "application/octet-stream", "buffer": b"ROOT"}])
    panel.get_by_label(re.compile("^Tags")).fill("type=ntuple")
    panel.get_by_role("button", name="Upload").click()
    expect(panel.get_by_role("link", name="fit.root")).to_be_visible(timeout=15000)
    expect(panel.locator(".files .tag")).to_have_text(["type=ntuple"])

    panel.get_by_role("button", name="Edit tags of fit.root").click()
    tags = panel.get_by_label("Tags of fit.root", exact=True)
    expect(tags).to_have_value("type=ntuple")
    # Malformed text is refused before any request, saying why.
    tags.fill("type=histogram;broken")
    panel.get_by_role("button", name="Save tags").click()
    expect(panel.get_by_role("alert")).to_contain_text('Malformed tag "broken"')
    # The server names a tag it refuses, by its key.
    tags.fill(f"type=histogram;note={'x' * 300}")
    panel.get_by_role("button", name="Save tags").click()
    expect(panel.get_by_role("alert")).to_contain_text("Tag 'note'")
    expect(panel.get_by_role("alert")).to_contain_text("at most 255 characters")
    tags.fill("type=histogram;stage=final")
    panel.screenshot(path=str(artifacts / "24-files-tag-editing.png"))
    panel.get_by_role("button", name="Save tags").click()
    expect(panel.get_by_text("Saved the tags of fit.root.")).to_be_visible()
    expect(panel.locator(".files .tag")).to_have_text(["stage=final", "type=histogram"])
    # Kept on the server: a reload shows them.
    page.reload()
    expect(page.get_by_role("region", name="Files").locator(".files .tag")).to_have_text(
        ["stage=final", "type=histogram"])


def test_picks_fill_their_empty_siblings_and_triggers_say_their_scope(
    cap_server, browser_page, ui_user, ui_password, datasets, artifacts
):
    """A person picked from ORCID brings their affiliation, a dataset picked
    from DAS its year; the trigger field says what its suggestions are of."""
    page = browser_page
    login(page, cap_server, ui_user.email, ui_password)
    create_draft(page, cap_server, "Suggestions fill in")

    people = page.get_by_role("group", name="People")
    people.get_by_role("button", name="Add").click()
    name = page.locator("#field_basic_info_people_info_0_name")
    name.press_sequentially("Carberry", delay=20)
    orcid = page.get_by_role("listbox", name="Suggestions from ORCID")
    orcid.get_by_role("option", name=re.compile("Josiah")).first.click()
    people = "#field_basic_info_people_info_0"
    expect(page.locator(f"{people}_orcid")).to_have_value("0000-0002-1825-0097")
    expect(page.locator(f"{people}_affiliation")).to_have_value("Brown University")

    page.get_by_role("group", name="Primary datasets").get_by_role("button", name="Add").click()
    path = page.get_by_label(re.compile(r"^Dataset path")).first
    trigger_note = page.locator(".trigger-scope")
    path.press_sequentially("/SingleMuon/Run2017", delay=20)
    page.get_by_role("listbox", name="Suggestions from DAS").get_by_role("option").first.click()
    expect(path).to_have_value(DATASETS[2])
    year = page.locator("#field_input_data_primary_datasets_0_year")
    expect(year).to_have_value("2017")
    triggers = page.get_by_role("group", name=re.compile("^Triggers")).first
    triggers.get_by_role("button", name="Add").click()
    expect(trigger_note).to_have_text(
        f"Suggestions: the HLT triggers of {DATASETS[2]} in 2017 "
        "(from the dataset path and year above).")
    screenshot(page, artifacts, "25-suggestions-fill-siblings")
    wait_saved(page)
    page.reload()
    expect(page.locator(f"{people}_affiliation")).to_have_value("Brown University")
    expect(year).to_have_value("2017")


@pytest.fixture(scope="module")
def keywords(app):
    """The CMS analysis keywords of the demo spreadsheet, in their index."""
    from pathlib import Path

    from invenio_search import current_search_client

    from cap.modules.keywords.service import load_keywords

    load = load_keywords(Path(app.config["CAP_KEYWORDS_DEMO_FILE"]).read_text(encoding="utf-8"))
    yield load
    current_search_client.indices.delete(index=load.index)


def test_keywords_suggest_from_the_cms_keyword_list(
    cap_server, browser_page, ui_user, ui_password, keywords, artifacts
):
    """The keywords field completes its last comma-separated term from
    /api/cms/keywords (category beside each), never offering one it holds."""
    page = browser_page
    login(page, cap_server, ui_user.email, ui_password)
    create_draft(page, cap_server, "Keywords from the list")
    field = page.get_by_label("Keywords", exact=True)
    expect(page.locator("#field_additional_resources_keywords__help")).to_contain_text(
        "suggestions come from the CMS analysis keyword list")
    listbox = page.get_by_role("listbox", name="Suggestions from The CMS keyword list")
    field.press_sequentially("dilep", delay=20)
    expect(listbox.get_by_role("option")).to_have_count(2)
    expect(listbox.get_by_role("option").first).to_contain_text("dilepton")
    expect(listbox.get_by_role("option").first).to_contain_text("Final state")
    screenshot(page, artifacts, "26-keyword-suggestions")
    field.press("ArrowDown")
    field.press("Enter")
    expect(field).to_have_value("dilepton")
    field.press_sequentially(", higgs", delay=20)
    expect(listbox.get_by_role("option")).to_have_text(
        [re.compile("^Higgs boson"), re.compile("^Higgs boson pair")])
    listbox.get_by_role("option").first.click()
    expect(field).to_have_value("dilepton, Higgs boson")
    # Terms already there are not offered again.
    field.press_sequentially(", dilep", delay=20)
    expect(listbox.get_by_role("option")).to_have_count(1)
    expect(listbox.get_by_role("option")).to_contain_text("same-sign dilepton")
    field.press("Escape")
    wait_saved(page)
    page.reload()
    expect(page.get_by_label("Keywords", exact=True)).to_have_value("dilepton, Higgs boson, dilep")


def test_discard_takes_an_edited_draft_back_to_its_record(
    cap_server, browser_page, ui_user, ui_password, artifacts
):
    from invenio_access.utils import get_identity

    from cap.modules.deposit.proxies import current_deposit_service as service

    identity = get_identity(ui_user)
    pid, recid = publish(identity, "Discarded changes", "HIG-19-002")
    service.edit(identity, pid)
    page = browser_page
    questions = []
    page.on("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    login(page, cap_server, ui_user.email, ui_password)
    page.goto(f"{cap_server}/drafts/{pid}")
    page.get_by_label("Abstract", exact=True).fill("A change to throw away.")
    wait_saved(page)
    page.get_by_role("button", name="Discard draft…").click()
    page.wait_for_url(f"**/published/{recid}")
    assert questions == [f"Throw away every change made since {recid} was published?"]
    page.goto(f"{cap_server}/drafts/{pid}")
    expect(page.get_by_label("Abstract", exact=True)).to_have_value("")
    expect(page.get_by_role("heading", name="Discarded changes")).to_be_visible()
