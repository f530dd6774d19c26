"""The capture -> share -> publish -> find loop in a real browser.

Playwright drives Debian's Chromium (``/usr/bin/chromium``, never a
downloaded browser) against the UI + API app served by ``cap_server`` on
the test database, with CAP's production Content-Security-Policy and
invenio-rest's CSRF protection switched on. Screenshots of every page go
to ``test-artifacts/``.
"""

import re
import time

import pytest
from invenio_app.factory import create_app as create_ui_and_api
from playwright.sync_api import expect

create_app = create_ui_and_api


@pytest.fixture(scope="module")
def app_config(app_config, live_app_config, cadi_server):
    """Served on its own port, with CSRF protection on; CADI is the local fake."""
    app_config.update(cadi_server.config, CAP_CADI_TIMEOUT=2, CAP_CADI_RETRIES=1,
                      CAP_CADI_BACKOFF=0.05)
    return live_app_config(app_config)


DATASETS = [
    "/SingleMuon/Run2016B-17Jul2018_ver2-v1/MINIAOD",
    "/SingleMuon/Run2016C-17Jul2018-v1/MINIAOD",
    "/SingleMuon/Run2017B-31Mar2018-v1/MINIAOD",
    "/DoubleMuon/Run2016B-17Jul2018_ver2-v1/MINIAOD",
    "/DYJetsToLL_M-50_TuneCUETP8M1_13TeV-madgraphMLM-pythia8/"
    "RunIISummer16MiniAODv3-PUMoriond17_94X_mcRun2_asymptotic_v3-v2/MINIAODSIM",
]


@pytest.fixture(scope="module")
def datasets(app):
    """A few DAS dataset names, loaded by the DAS module's loader."""
    from cap.modules.cms.das import api

    index = api.dataset_index()
    index.delete()
    api.load(DATASETS, replace=True)
    yield DATASETS
    index.delete()


@pytest.fixture()
def convener(app, ui_user):
    """``ui_user`` in the CMS conveners' e-group (may change cadi_info) for one test."""
    from invenio_accounts.proxies import current_datastore
    from invenio_db import db

    from cap.modules.instance.fixtures import ensure_role

    role = ensure_role(app.config["CAP_CADI_CONVENERS_EGROUP"])
    db.session.expire_all()  # logins since have changed the user row
    current_datastore.add_role_to_user(current_datastore.get_user(ui_user.id), role)
    db.session.commit()
    yield ui_user
    db.session.expire_all()
    current_datastore.remove_role_from_user(current_datastore.get_user(ui_user.id), role)
    db.session.commit()

TITLE = "Search for heavy resonances decaying to muon pairs"
XSS = '<img src=x onerror="window.__xss=1">'


def screenshot(page, artifacts, name):
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)


def login(page, base_url, email, password):
    """Log in with the keyboard only: the form is focused, labelled, submits on Enter."""
    page.goto(f"{base_url}/login/")
    expect(page.get_by_label("Email")).to_be_focused()
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()


def create_draft(page, base_url, title):
    page.goto(f"{base_url}/")
    page.get_by_label("Type").select_option("cms-analysis")
    page.get_by_label("Title (optional)").fill(title)
    page.get_by_role("button", name="Create draft").click()
    page.wait_for_url(re.compile(r"/drafts/\w+"))
    expect(page.get_by_text("All changes saved")).to_be_visible()


def goto_until(page, url, locator, seconds=10):
    """Open ``url``, reloading until ``locator`` shows (the index refreshes each second)."""
    page.goto(url)
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            expect(locator.first).to_be_visible(timeout=1500)
            return
        except AssertionError:
            page.reload()
    expect(locator.first).to_be_visible()


def wait_saved(page):
    expect(page.locator(".save-state")).to_have_text("All changes saved", timeout=10000)


def test_static_bundle_served(cap_server, browser_page):
    page = browser_page
    response = page.goto(f"{cap_server}/assets/cap-ui/dist/cap-ui.js")
    assert response.status == 200
    assert "javascript" in response.headers["content-type"]


def test_login_page_and_welcome(cap_server, browser_page, artifacts):
    page = browser_page
    page.goto(f"{cap_server}/")
    expect(page.get_by_role("heading", name="CERN Analysis Preservation")).to_be_visible()
    screenshot(page, artifacts, "01-welcome")
    page.get_by_role("link", name="Log in").last.click()
    expect(page.get_by_role("link", name="Sign in with CERN SSO")).to_have_attribute(
        "href", re.compile(r"^/oauth/login/cern_openid/")
    )
    expect(page.get_by_label("Email")).to_be_visible()
    screenshot(page, artifacts, "02-login")


def test_capture_share_publish_find(cap_server, browser_page, ui_user, ui_password, artifacts):
    page = browser_page
    login(page, cap_server, ui_user.email, ui_password)
    expect(page.get_by_label("Type")).to_contain_text("cms-analysis")
    screenshot(page, artifacts, "03-dashboard")

    # Create a cms-analysis and fill nested fields.
    create_draft(page, cap_server, TITLE)
    draft_url = page.url
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    page.get_by_label("Working group", exact=True).select_option(label="EXO – Exotica")
    abstract = "Dimuon resonance search with the full Run 2 dataset."
    page.get_by_label("Abstract", exact=True).fill(abstract)

    # Inline validation: a CADI id in the wrong format is flagged under the field.
    cadi = page.get_by_label("CADI ID", exact=True)
    cadi.fill("not-a-cadi-id")
    expect(page.locator(".field-error, .error-detail").first).to_contain_text("pattern")
    screenshot(page, artifacts, "04-editor-inline-error")
    cadi.fill("EXO-19-019")
    expect(page.locator(".error-detail")).to_have_count(0)
    wait_saved(page)

    # Upload a file with tags; the progress bar reaches 100 %.
    page.get_by_label("File", exact=True).set_input_files(
        files=[{"name": "ntuple.root", "mimeType": "application/octet-stream",
                "buffer": b"\x00ROOT" * 4096}]
    )
    page.get_by_label(re.compile("^Tags")).fill("type=ntuple;year=2016")
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("Uploaded ntuple.root.")).to_be_visible()
    expect(page.locator("#upload-progress")).to_have_attribute("value", "1")
    expect(page.get_by_role("link", name="ntuple.root")).to_be_visible()
    expect(page.locator(".files .tag").first).to_have_text("type=ntuple")
    screenshot(page, artifacts, "05-editor-file-uploaded")

    # Share with an e-group.
    page.get_by_role("button", name="Share…").click()
    dialog = page.get_by_role("dialog", name="Share this draft")
    dialog.get_by_label("Share with").select_option("egroup")
    dialog.get_by_label(re.compile("^E-group")).fill("cms-exo-conveners@cern.ch")
    dialog.get_by_label("Right").select_option("update")
    dialog.get_by_role("button", name="Share", exact=True).click()
    expect(dialog.get_by_role("cell", name="cms-exo-conveners@cern.ch", exact=True)).to_be_visible()
    screenshot(page, artifacts, "06-share-dialog")
    dialog.get_by_role("button", name="Close").click()

    # Publish: the step says plainly that the collaboration will see it.
    page.get_by_role("button", name="Publish…").click()
    step = page.get_by_role("dialog", name="Publish this analysis")
    expect(step).to_contain_text("opens this record to the whole collaboration")
    screenshot(page, artifacts, "07-publish-step")
    step.get_by_role("button", name=re.compile("^Publish to")).click()
    page.wait_for_url(re.compile(r"/published/CAP\.CMS\."))
    recid = page.url.rsplit("/", 1)[1]
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(page.get_by_role("link", name="ntuple.root")).to_be_visible()
    expect(page.get_by_text("EXO-19-019").first).to_be_visible()
    # Metadata labelled with the schema's titles, files and revisions listed.
    expect(page.get_by_role("heading", name="Basic information")).to_be_visible()
    expect(page.get_by_text("Analysis title", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Revision"))).not_to_have_count(0)
    screenshot(page, artifacts, "08-record")

    # Find it in search with a facet.
    goto_until(page, f"{cap_server}/search?tab=published", page.get_by_role("link", name=TITLE))
    facet = page.get_by_role("group", name="Working group")
    facet.get_by_label(re.compile(r"^EXO")).check()
    expect(page).to_have_url(re.compile(r"cms_working_group=EXO"))
    expect(page.locator(".result-count")).to_have_text("1 result")
    row = page.locator("tr.hit", has_text=TITLE)
    expect(row).to_contain_text("EXO-19-019")
    expect(row).to_contain_text(ui_user.email)
    expect(row).to_contain_text("published")
    screenshot(page, artifacts, "09-search-facet")
    row.get_by_role("link", name=TITLE).click()
    page.wait_for_url(f"**/published/{recid}")

    # The collection page of the type lists it.
    goto_until(page, f"{cap_server}/collection/cms-analysis", page.get_by_role("link", name=TITLE))
    expect(page.get_by_role("heading", name="Collection: cms-analysis")).to_be_visible()
    screenshot(page, artifacts, "09b-collection")

    # The drafts tab finds the draft, which links to its published record.
    goto_until(page, f"{cap_server}/search?tab=drafts&q=resonances",
               page.locator("tr.hit", has_text=TITLE))
    screenshot(page, artifacts, "09c-search-drafts")
    page.goto(draft_url)
    expect(page.get_by_role("link", name=recid)).to_be_visible()


def test_publish_lists_validation_errors(
    cap_server, browser_page, ui_user, ui_password, artifacts
):
    page = browser_page
    login(page, cap_server, ui_user.email, ui_password)
    create_draft(page, cap_server, "")
    page.get_by_role("button", name="Publish…").click()
    step = page.get_by_role("dialog", name="Publish this analysis")
    step.get_by_role("button", name=re.compile("^Publish to")).click()
    errors = step.locator(".publish-errors li")
    expect(errors.first).to_be_visible()
    expect(step).to_contain_text("cannot be published yet")
    expect(step.locator(".publish-errors")).to_contain_text("basic_info")
    screenshot(page, artifacts, "07b-publish-errors")
    assert "/drafts/" in page.url


def test_refused_save_shows_the_server_errors_under_their_fields(
    app, cap_server, browser_page, ui_user, ui_password, artifacts
):
    """A save the server refuses (a CADI id another draft holds): the error item's
    field path puts the message under the CADI ID field, and the status names it."""
    from invenio_access.utils import get_identity

    from cap.modules.deposit.proxies import current_deposit_service

    current_deposit_service.create(get_identity(ui_user), {
        "$ana_type": "cms-analysis",
        "basic_info": {"analysis_title": "Holds TOP-20-005", "cadi_id": "TOP-20-005"},
    })
    page = browser_page
    login(page, cap_server, ui_user.email, ui_password)
    create_draft(page, cap_server, "Claims a held CADI id")
    cadi = page.get_by_label("CADI ID", exact=True)
    status = page.locator(".save-state")
    inline = page.locator("#field_basic_info_cadi_id__error")
    # A value the form flags itself: the server's refusal does not repeat it.
    cadi.fill("not-a-cadi-id")
    expect(status).to_contain_text("basic_info.cadi_id: 'not-a-cadi-id' does not match",
                                   timeout=10000)
    expect(inline.locator("li")).to_have_count(1)
    # A value only the server can refuse.
    cadi.fill("TOP-20-005")
    expect(status).to_contain_text("basic_info.cadi_id: The CADI analysis TOP-20-005",
                                   timeout=10000)
    expect(inline).to_contain_text("already has a draft")
    expect(inline.locator("li")).to_have_count(1)
    screenshot(page, artifacts, "07c-save-error-inline")
    cadi.fill("TOP-20-006")
    wait_saved(page)
    expect(inline).to_have_count(0)


def test_xss_title_renders_as_text(cap_server, browser_page, ui_user, ui_password, artifacts):
    page = browser_page
    login(page, cap_server, ui_user.email, ui_password)
    create_draft(page, cap_server, XSS)
    expect(page.get_by_role("heading", name=XSS)).to_be_visible()
    goto_until(page, f"{cap_server}/search?tab=drafts", page.get_by_role("link", name=XSS))
    goto_until(page, f"{cap_server}/", page.get_by_role("link", name=XSS))
    screenshot(page, artifacts, "10-xss-as-text")
    assert page.evaluate("window.__xss") is None
    assert page.locator("img[src=x]").count() == 0


def test_conflict_prompts_reload(
    cap_server, browser_page, context, ui_user, ui_password, artifacts
):
    page = browser_page
    login(page, cap_server, ui_user.email, ui_password)
    create_draft(page, cap_server, "Conflict test")
    other = context.new_page()
    other.goto(page.url)
    expect(other.get_by_text("All changes saved")).to_be_visible()
    other.get_by_label("Abstract", exact=True).fill("Changed in the other tab")
    wait_saved(other)
    page.get_by_label("Abstract", exact=True).fill("Changed in the first tab")
    alert = page.get_by_role("alert").filter(has_text="changed somewhere else")
    expect(alert).to_be_visible(timeout=10000)
    screenshot(page, artifacts, "11-conflict")
    alert.get_by_role("button", name="Reload the draft").click()
    expect(page.get_by_label("Abstract", exact=True)).to_have_value("Changed in the other tab")
    other.close()


def test_token_page(cap_server, browser_page, ui_user, ui_password, artifacts):
    page = browser_page
    login(page, cap_server, ui_user.email, ui_password)
    page.get_by_role("link", name="Tokens").click()
    expect(page.get_by_text("Personal access tokens", exact=True)).to_be_visible()
    screenshot(page, artifacts, "12-tokens")
    page.get_by_role("link", name="Log out").click()
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()


def test_autocomplete_das_and_cadi_autofill(
    cap_server, browser_page, convener, ui_password, datasets, cadi_server, artifacts
):
    page = browser_page
    login(page, cap_server, convener.email, ui_password)
    create_draft(page, cap_server, "")

    # A dataset prefix offers the loaded primary datasets; picking one with the keyboard.
    page.get_by_role("group", name="Primary datasets").get_by_role("button", name="Add").click()
    path = page.get_by_label(re.compile(r"^Dataset path")).first
    path.press_sequentially("/SingleMuon/Run2016", delay=20)
    listbox = page.get_by_role("listbox", name="Suggestions from DAS")
    options = listbox.get_by_role("option")
    expect(options).to_have_count(2)
    expect(listbox).not_to_contain_text("Run2017B")  # a prefix, not just any SingleMuon
    expect(listbox).not_to_contain_text("DoubleMuon")
    screenshot(page, artifacts, "13-das-suggestions")
    path.press("ArrowDown")
    path.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    chosen = options.nth(1).locator(".suggest-label").inner_text()
    path.press("Enter")
    expect(path).to_have_value(chosen)
    expect(listbox).to_be_hidden()
    assert chosen in DATASETS[:2]
    wait_saved(page)

    # A CADI id offers to fill cadi_info, the title and the working group from CADI.
    analysis = next(a for a in cadi_server.analyses if a.get("code") == "EXO-19-012")
    page.get_by_label("CADI ID", exact=True).press_sequentially("EXO-19-012", delay=20)
    offer = page.locator(".suggest-cadi")
    expect(offer).to_contain_text(analysis["name"])
    screenshot(page, artifacts, "14-cadi-offer")
    offer.get_by_role("button", name="Fill in from CADI").click()
    expect(page.get_by_text("Filled in from CADI.")).to_be_visible()
    expect(page.locator("#field_cadi_info_name")).to_have_value(analysis["name"])
    expect(page.locator("#field_cadi_info_status")).to_have_value(analysis["status"])
    expect(page.get_by_label("Analysis title", exact=True)).to_have_value(analysis["name"])
    working_group = page.get_by_label("Working group", exact=True)
    expect(working_group.locator("option:checked")).to_have_text("EXO – Exotica")
    wait_saved(page)
    screenshot(page, artifacts, "15-cadi-autofilled")

    # Saved on the server: a reload shows the same values.
    page.reload()
    expect(page.locator("#field_cadi_info_name")).to_have_value(analysis["name"])
    expect(page.get_by_label(re.compile(r"^Dataset path")).first).to_have_value(chosen)

    # CADI down: a small inline note, the form keeps working.
    cadi_server.mode = "down"
    try:
        cadi = page.get_by_label("CADI ID", exact=True)
        cadi.fill("")
        cadi.press_sequentially("EXO-19-001", delay=20)
        expect(page.locator(".suggest-note")).to_contain_text("not reachable")
        page.get_by_label("Abstract", exact=True).fill("Still editable while CADI is down.")
        wait_saved(page)
        screenshot(page, artifacts, "16-cadi-down")
    finally:
        cadi_server.mode = "ok"


def test_record_page_exports_its_datasets_as_latex(
    app, cap_server, browser_page, ui_user, ui_password, artifacts
):
    """A published analysis lists its datasets and turns them into a LaTeX table."""
    from invenio_access.utils import get_identity

    from cap.modules.deposit.proxies import current_deposit_service

    identity = get_identity(ui_user)
    datasets = [
        "/SingleMuon/Run2016B-17Jul2018_ver2-v1/MINIAOD",
        "/SingleMuon/Run2016C-17Jul2018-v1/MINIAOD",
    ]
    draft = current_deposit_service.create(identity, {
        "$ana_type": "cms-analysis",
        "basic_info": {"analysis_title": "Dimuon datasets for LaTeX", "cms_working_group": "EXO",
                       "cadi_id": "EXO-19-044"},  # required to publish
        "input_data": {"primary_datasets": [{"path": path} for path in datasets]},
    })
    recid = current_deposit_service.publish(identity, draft.pid)["_deposit"]["pid"]["value"]

    page = browser_page
    login(page, cap_server, ui_user.email, ui_password)
    # The dashboard (one /api/dashboard call) lists it among my published.
    goto_until(page, f"{cap_server}/", page.get_by_role("region", name="My published")
               .get_by_role("link", name="Dimuon datasets for LaTeX"))
    page.goto(f"{cap_server}/published/{recid}")
    panel = page.get_by_role("region", name="Datasets")
    expect(panel.get_by_text(datasets[0], exact=True)).to_be_visible()
    panel.get_by_role("button", name="LaTeX table of these datasets").click()
    latex = panel.get_by_label(re.compile("^LaTeX"))
    expect(latex).to_have_value(re.compile(r"\\texttt\{/SingleMuon/Run2016B-17Jul2018\\_ver2-v1"))
    expect(latex).to_have_value(re.compile(r"\\caption\{Dimuon datasets for LaTeX\}"))
    screenshot(page, artifacts, "17-record-latex")
