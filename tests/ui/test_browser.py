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
    # Creating makes a bucket and indexes the draft: slow on a loaded machine.
    page.wait_for_url(re.compile(r"/drafts/\w+"), timeout=30000)
    wait_saved(page)


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
    """The status line says "Saved" only once the server answered without refusals."""
    expect(page.locator(".save-state")).to_have_text("Saved", timeout=10000)


def test_static_bundle_served(cap_server, browser_page):
    page = browser_page
    page.goto(f"{cap_server}/login/")
    src = page.locator("script[type=module]").get_attribute("src")
    response = page.goto(f"{cap_server}{src}")
    assert response.status == 200
    assert "javascript" in response.headers["content-type"]
    # Chromium takes brotli: the pre-compressed copy, cached for good (hashed name).
    assert response.headers["content-encoding"] == "br"
    assert "immutable" in response.headers["cache-control"]


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
    # In the schema's words (x-cap-error), never its regular expression.
    expect(page.locator(".error-detail").first).to_contain_text("three letters or digits")
    expect(page.locator(".error-detail").first).not_to_contain_text("[A-Z0-9]")
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
    expect(dialog.get_by_role("cell", name="cms-exo-conveners@cern.ch", exact=True)).to_be_visible(
        timeout=30000)
    # One row per person or e-group (the owner once), each with its role.
    expect(dialog.locator("tbody tr")).to_have_count(2)
    expect(dialog.get_by_role("cell", name=f"{ui_user.email} (owner)")).to_have_count(1)
    role = dialog.get_by_label("Role of cms-exo-conveners@cern.ch")
    expect(role.locator("option:checked")).to_have_text("Read and edit")
    # (sharing answers slowly on a loaded machine: the directory sync runs first)
    role.select_option("read")
    expect(role.locator("option:checked")).to_have_text("Read", timeout=20000)
    expect(role).to_be_enabled(timeout=20000)
    role.select_option("update")
    expect(role.locator("option:checked")).to_have_text("Read and edit", timeout=20000)
    expect(role).to_be_enabled(timeout=20000)
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
    # In the form's order (v2.0.0: general_title first, then basic_info with the
    # CADI id before the working group), enum values by their labels.
    sections = page.locator(".md-section")
    expect(sections.first.locator("h3")).to_have_text("Title")
    expect(sections.first).to_contain_text(TITLE)
    expect(sections.nth(1).locator("h3")).to_have_text("Basic information")
    expect(sections.nth(1).locator("dt")).to_have_text(["CADI ID", "Working group", "Abstract"])
    expect(page.get_by_text("EXO – Exotica", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Revision"))).not_to_have_count(0)
    # Who may read or edit, and from where; the owner may edit.
    access = page.get_by_role("region", name="Access")
    expect(access).to_contain_text("Every member of CMS can read it")
    expect(access.get_by_role("row", name=re.compile("cms-exo-conveners@cern.ch"))).to_contain_text(
        "Read and edit")
    expect(page.get_by_role("button", name="Edit")).to_be_visible()
    screenshot(page, artifacts, "08-record")

    # Find it in search with a facet.
    goto_until(page, f"{cap_server}/search?tab=published", page.get_by_role("link", name=TITLE))
    facet = page.get_by_role("group", name="Working group")
    # Values by the names the form gives them, not their codes.
    expect(facet.get_by_label(re.compile(r"^EXO"))).to_have_accessible_name(
        re.compile(r"^EXO – Exotica \(\d+\)$"))
    expect(page.get_by_role("group", name="Type", exact=True)).to_contain_text("CMS Analysis")
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

    # A query the engine cannot parse says why, once (the answer's message and
    # its field error on q are the same text).
    page.goto(f"{cap_server}/search?tab=published&q=title%3A%28unclosed")
    refusal = page.get_by_role("alert").filter(has_text="The query is not valid")
    expect(refusal).to_be_visible()
    assert refusal.inner_text().count("The query is not valid") == 1, refusal.inner_text()
    screenshot(page, artifacts, "09d-search-invalid-query")
    page.goto(draft_url)
    expect(page.get_by_role("link", name=recid)).to_be_visible()


def test_sharing_asks_the_cern_directory(cap_server, browser_page, ui_user, ui_password, artifacts):
    """E-groups CAP has never seen are found in the CERN directory (the LDAP
    fake), suggested as one types; an address it does not know is refused in
    words; one row per person or e-group, the owner once."""
    page = browser_page
    login(page, cap_server, ui_user.email, ui_password)
    create_draft(page, cap_server, "Shared through the directory")
    page.get_by_role("button", name="Share…").click()
    dialog = page.get_by_role("dialog", name="Share this draft")
    dialog.get_by_label("Share with").select_option("egroup")
    egroup = dialog.get_by_label(re.compile("^E-group"))
    egroup.press_sequentially("cms-hig", delay=20)
    expect(dialog.locator("#share-suggestions option")).to_have_attribute(
        "value", "cms-higgs-conveners@cern.ch")
    egroup.fill("cms-higgs-conveners@cern.ch")
    dialog.get_by_label("Right").select_option("update")
    dialog.get_by_role("button", name="Share", exact=True).click()
    expect(dialog.get_by_label("Role of cms-higgs-conveners@cern.ch").locator("option:checked")
           ).to_have_text("Read and edit", timeout=20000)
    dialog.get_by_label("Share with").select_option("user")
    dialog.get_by_label("Email").fill("John.Doe@cern.ch")
    dialog.get_by_role("button", name="Share", exact=True).click()
    expect(dialog.get_by_label("Role of john.doe@cern.ch")).to_be_visible(timeout=20000)
    dialog.get_by_label("Email").fill("nobody@cern.ch")
    dialog.get_by_role("button", name="Share", exact=True).click()
    expect(dialog.get_by_role("alert")).to_have_text(
        "Not shared: Unknown user 'nobody@cern.ch': not in CAP nor in the CERN directory.",
        timeout=20000)
    expect(dialog.locator("tbody tr")).to_have_count(3)
    expect(dialog.get_by_role("cell", name=f"{ui_user.email} (owner)")).to_have_count(1)
    screenshot(page, artifacts, "06b-share-directory")
    dialog.screenshot(path=str(artifacts / "share-dialog.png"))


def test_publish_lists_validation_errors(
    cap_server, browser_page, ui_user, ui_password, artifacts
):
    """Publish saves first, then names every missing field by its label at once,
    scrolled to and highlighted; the form marks what publishing needs (in
    cms-analysis v2.0.0: the CADI id only)."""
    page = browser_page
    login(page, cap_server, ui_user.email, ui_password)
    create_draft(page, cap_server, "")
    mark = ".label-row:has(label[for=field_basic_info_{}]) .required"
    expect(page.locator(mark.format("cadi_id"))).to_have_text("*")
    # The mark is beside the label, so the field keeps its schema title as its name.
    expect(page.get_by_label("CADI ID", exact=True)).to_have_attribute("required", "")
    expect(page.locator(mark.format("analysis_title"))).to_have_count(0)
    expect(page.locator(mark.format("abstract"))).to_have_count(0)
    # A field typed in and emptied again is missing, like one never touched.
    page.get_by_label("CADI ID", exact=True).fill("EXO-19-0")
    page.get_by_label("CADI ID", exact=True).fill("")
    page.get_by_label("Abstract", exact=True).fill("Typed just before publishing.")
    page.get_by_role("button", name="Publish…").click()  # before the autosave ran
    step = page.get_by_role("dialog", name="Publish this analysis")
    step.get_by_role("button", name=re.compile("^Publish to")).click()
    errors = step.locator(".publish-errors li")
    expect(errors).to_have_count(1)
    expect(step).to_contain_text("cannot be published yet")
    expect(errors.nth(0)).to_have_text("Basic information › CADI ID: Required")
    expect(step).not_to_contain_text("basic_info")
    expect(page.locator(".save-state")).to_have_text("Saved")  # the save came first
    # The field says so in the form, highlighted and focused.
    expect(page.locator("#field_basic_info_cadi_id__error")).to_contain_text("Required")
    expect(page.locator("[data-highlight] #field_basic_info_cadi_id")).to_have_count(1)
    expect(page.locator("#field_basic_info_cadi_id")).to_be_focused()
    screenshot(page, artifacts, "07b-publish-errors")
    page.get_by_label("Abstract", exact=True).focus()
    errors.nth(0).get_by_role("button").click()
    expect(page.locator("#field_basic_info_cadi_id")).to_be_focused()
    # The highlight goes with the publish step.
    step.get_by_role("button", name="Cancel").click()
    expect(page.locator("[data-highlight]")).to_have_count(0)
    # Filling it in drops its error.
    page.get_by_label("CADI ID", exact=True).fill("EXO-19-031")
    expect(page.locator("#field_basic_info_cadi_id__error")).to_have_count(0)
    assert "/drafts/" in page.url
    page.reload()
    expect(page.get_by_label("Abstract", exact=True)).to_have_value("Typed just before publishing.")


def test_publish_stops_when_the_save_fails(
    app, cap_server, browser_page, ui_user, ui_password, artifacts
):
    hold_cadi_id(ui_user, "TOP-20-015")
    page = browser_page
    login(page, cap_server, ui_user.email, ui_password)
    create_draft(page, cap_server, "Publishes a held CADI id")
    page.get_by_label("Working group", exact=True).select_option(label="EXO – Exotica")
    page.get_by_label("CADI ID", exact=True).fill("TOP-20-015")
    page.get_by_role("button", name="Publish…").click()
    step = page.get_by_role("dialog", name="Publish this analysis")
    step.get_by_role("button", name=re.compile("^Publish to")).click()
    expect(step.get_by_role("alert")).to_contain_text("could not be saved first")
    expect(step.get_by_role("alert")).to_contain_text("CADI ID")
    screenshot(page, artifacts, "07d-publish-save-failed")
    assert "/drafts/" in page.url


def hold_cadi_id(user, cadi_id):
    """A draft of ``user`` titled "Holds <cadi_id>" that holds ``cadi_id``."""
    from invenio_access.utils import get_identity

    from cap.modules.deposit.proxies import current_deposit_service

    current_deposit_service.create(get_identity(user), {
        "$ana_type": "cms-analysis",
        "general_title": f"Holds {cadi_id}",
        "basic_info": {"cadi_id": cadi_id},
    })


def test_refused_save_shows_the_server_errors_under_their_fields(
    app, cap_server, browser_page, ui_user, ui_password, artifacts
):
    """A value the server refuses (a CADI id another draft holds) is named under
    its field and in the status line; everything else typed is saved."""
    hold_cadi_id(ui_user, "TOP-20-005")
    page = browser_page
    login(page, cap_server, ui_user.email, ui_password)
    create_draft(page, cap_server, "Claims a held CADI id")
    cadi = page.get_by_label("CADI ID", exact=True)
    status = page.locator(".save-state")
    inline = page.locator("#field_basic_info_cadi_id__error")
    # A value the form flags itself is saved all the same (drafts check types only).
    cadi.fill("not-a-cadi-id")
    wait_saved(page)
    expect(inline.locator("li")).to_have_count(1)
    # Lower case is upper-cased as one types (the schema says so).
    cadi.fill("top-20-005")
    expect(cadi).to_have_value("TOP-20-005")
    page.get_by_label("Abstract", exact=True).fill("Saved although the CADI id is refused.")
    expect(status).to_contain_text("Not saved: Basic information › CADI ID: The CADI analysis "
                                   "TOP-20-005", timeout=10000)
    expect(status).to_contain_text("everything else is saved")
    expect(inline).to_contain_text("already has a draft")
    expect(inline.locator("li")).to_have_count(1)
    holder = page.get_by_role("alert").filter(has_text="already held by")
    expect(holder.get_by_role("link", name="Holds TOP-20-005")).to_have_attribute(
        "href", re.compile(r"^/drafts/\w+$"))
    screenshot(page, artifacts, "07c-save-error-inline")
    # The server has the abstract; this browser keeps the refused id.
    from invenio_access.utils import get_identity

    from cap.modules.deposit.proxies import current_deposit_service

    draft = current_deposit_service.read(get_identity(ui_user), page.url.rsplit("/", 1)[1])
    assert draft["basic_info"]["abstract"] == "Saved although the CADI id is refused."
    assert draft["basic_info"].get("cadi_id") != "TOP-20-005"
    page.reload()
    expect(cadi).to_have_value("TOP-20-005")
    expect(status).to_contain_text("Not saved: Basic information › CADI ID", timeout=10000)
    cadi.fill("TOP-20-006")
    wait_saved(page)
    expect(inline).to_have_count(0)


def test_input_survives_an_invalid_field_a_reload_and_a_lost_connection(
    cap_server, browser_page, context, ui_user, ui_password, artifacts
):
    """Type an invalid ORCID and a valid abstract, reload: both are there. Offline
    edits stay in the browser, are saved when it is back, and leaving warns."""
    page = browser_page
    login(page, cap_server, ui_user.email, ui_password)
    create_draft(page, cap_server, "Never loses input")
    page.get_by_role("group", name="People").get_by_role("button", name="Add").click()
    page.locator("#field_basic_info_people_info_0_name").fill("Ada Lovelace")
    page.locator("#field_basic_info_people_info_0_orcid").fill("0000-0002")
    page.get_by_label("Abstract", exact=True).fill("A valid abstract.")
    wait_saved(page)
    orcid_error = page.locator("#field_basic_info_people_info_0_orcid__error")
    expect(orcid_error).to_contain_text("Not in the expected form")
    expect(orcid_error).not_to_contain_text("\\d")
    page.reload()
    expect(page.get_by_label("Abstract", exact=True)).to_have_value("A valid abstract.")
    expect(page.locator("#field_basic_info_people_info_0_orcid")).to_have_value("0000-0002")

    # The server cannot be reached: "Not saved", and the change is kept here.
    page.route("**/api/deposits/*", lambda route: route.abort()
               if route.request.method == "PUT" else route.continue_())
    page.get_by_label("Abstract", exact=True).fill("Typed while offline.")
    expect(page.locator(".save-state")).to_contain_text("Not saved", timeout=10000)
    screenshot(page, artifacts, "07e-not-saved-offline")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    again = context.new_page()
    again.goto(page.url)
    expect(again.get_by_label("Abstract", exact=True)).to_have_value("Typed while offline.")
    wait_saved(again)
    again.reload()
    expect(again.get_by_label("Abstract", exact=True)).to_have_value("Typed while offline.")
    again.close()


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
    wait_saved(other)
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
    page.get_by_role("button", name="Log out").click()  # a form: POST with CSRF
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
    page.get_by_label("CADI ID", exact=True).press_sequentially("exo-19-012", delay=20)
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
        cadi.press_sequentially("EXO-19-001", delay=20)  # not synced here: asks CADI
        expect(page.locator(".suggest-note")).to_contain_text("not reachable")
        page.get_by_label("Abstract", exact=True).fill("Still editable while CADI is down.")
        wait_saved(page)
        screenshot(page, artifacts, "16-cadi-down")
    finally:
        cadi_server.mode = "ok"


def test_cadi_suggestions_from_the_synced_copy(
    app, cap_server, browser_page, ui_user, ui_password, cadi_server, artifacts
):
    """Typing a CADI prefix lists the analyses we synced, without asking CADI; an
    id a synced draft holds is refused, naming a holder the reader cannot see."""
    from cap.modules.cms.cadi.sync import sync_from_file

    sync_from_file(app.config["CAP_CADI_DEMO_FILE"])
    page = browser_page
    login(page, cap_server, ui_user.email, ui_password)
    create_draft(page, cap_server, "Picks a CADI id")
    cadi_server.mode = "down"
    try:
        cadi = page.get_by_label("CADI ID", exact=True)
        cadi.press_sequentially("hig-", delay=20)
        listbox = page.get_by_role("listbox", name="Suggestions from CADI")
        expect(listbox.get_by_role("option").first).to_be_visible()
        for text in listbox.get_by_role("option").all_inner_texts():
            assert text.startswith("HIG-")
        screenshot(page, artifacts, "14b-cadi-suggestions")
        cadi.press("ArrowDown")
        cadi.press("Enter")
        expect(cadi).to_have_value(re.compile(r"^HIG-\d{2}-\d{3}$"))
        expect(page.locator(".suggest-cadi")).to_contain_text("CADI HIG-")
        holder = page.get_by_role("alert").filter(has_text="already held by")
        expect(holder).to_contain_text("a draft you cannot see", timeout=10000)
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
        "general_title": "Dimuon datasets for LaTeX",
        "basic_info": {"cms_working_group": "EXO", "cadi_id": "EXO-19-044"},  # CADI id: to publish
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


@pytest.fixture(scope="module")
def reader(app, database, ui_password):
    """A second CMS member, who logs in with the same password."""
    from flask_security.utils import hash_password
    from invenio_accounts.proxies import current_datastore
    from invenio_db import db

    from cap.modules.instance.fixtures import ensure_role

    user = current_datastore.create_user(
        email="ui-reader@inveniosoftware.org", password=hash_password(ui_password), active=True)
    user.confirmed_at = db.func.now()
    current_datastore.add_role_to_user(user, ensure_role("cms-members@cern.ch"))
    db.session.commit()
    return user


def test_a_reader_sees_no_action_it_cannot_use(
    app, cap_server, browser_page, ui_user, reader, ui_password, artifacts
):
    """A draft shared read-only says so and offers no edit, share or publish; its
    published record offers no Edit to a reader."""
    from invenio_access.utils import get_identity

    from cap.modules.deposit.proxies import current_deposit_service

    owner = get_identity(ui_user)
    draft = current_deposit_service.create(owner, {
        "$ana_type": "cms-analysis",
        "general_title": "Shared for reading",
        "basic_info": {"analysis_title": "Shared for reading", "cms_working_group": "EXO",
                       "cadi_id": "EXO-19-045"},  # CADI id: to publish
    })
    current_deposit_service.update_permissions(owner, draft.pid, [
        {"email": reader.email, "type": "user", "op": "add", "action": "deposit-read"}])
    recid = current_deposit_service.publish(owner, draft.pid)["_deposit"]["pid"]["value"]
    current_deposit_service.edit(owner, draft.pid)
    page = browser_page
    login(page, cap_server, reader.email, ui_password)
    page.goto(f"{cap_server}/drafts/{draft.pid}")
    expect(page.get_by_role("note")).to_contain_text("You can read this draft but not change it")
    for name in ("Save now", "Share…", "Publish…", "Discard draft…"):
        expect(page.get_by_role("button", name=name)).to_have_count(0)
    expect(page.get_by_label("Analysis title", exact=True)).to_be_disabled()
    screenshot(page, artifacts, "18-read-only-draft")
    page.goto(f"{cap_server}/published/{recid}")
    expect(page.get_by_role("heading", name="Shared for reading")).to_be_visible()
    access = page.get_by_role("region", name="Access")
    reader_row = access.get_by_role("row", name=re.compile(re.escape(reader.email)))
    expect(reader_row).to_contain_text("Read")
    page.wait_for_timeout(1000)  # the draft's answer decides: no Edit for a reader
    expect(page.get_by_role("button", name="Edit")).to_have_count(0)
    expect(page.get_by_role("heading", name="Reproducibility")).to_be_visible()  # the badge
    for name in ("Rerun and compare", "Publish on Zenodo"):
        expect(page.get_by_role("button", name=name)).to_have_count(0)
    screenshot(page, artifacts, "19-record-reader")


@pytest.fixture(scope="module")
def outsider(app, database, ui_password):
    """A user of no experiment, who logs in with the same password."""
    from flask_security.utils import hash_password
    from invenio_accounts.proxies import current_datastore
    from invenio_db import db

    user = current_datastore.create_user(
        email="ui-outsider@inveniosoftware.org", password=hash_password(ui_password),
        active=True)
    user.confirmed_at = db.func.now()
    db.session.commit()
    return user


def test_a_record_reader_outside_the_experiment_sees_labels(
    app, cap_server, browser_page, ui_user, outsider, ui_password, artifacts
):
    """A record read by someone who can read neither its draft nor (otherwise) its
    schema, as a record migrated from legacy CAP with grants of its own: its page
    is labelled with the schema's titles, not raw keys."""
    from invenio_access.utils import get_identity
    from invenio_db import db
    from invenio_search import current_search_client
    from invenio_search.utils import build_alias_name

    from cap.modules.deposit.proxies import current_deposit_service
    from cap.modules.records.api import PublishedRecord

    owner = get_identity(ui_user)
    draft = current_deposit_service.create(owner, {
        "$ana_type": "cms-analysis",
        "general_title": "Read from outside",
        "basic_info": {"analysis_title": "Read from outside", "cms_working_group": "EXO",
                       "cadi_id": "EXO-19-047"},
    })
    recid = current_deposit_service.publish(owner, draft.pid)["_deposit"]["pid"]["value"]
    record = PublishedRecord.get_by_pid(recid)
    record["_access"]["record-read"]["users"].append(outsider.id)
    record.commit()
    db.session.commit()
    current_deposit_service.indexer.index(record)
    current_search_client.indices.refresh(index=build_alias_name("records"))

    page = browser_page
    login(page, cap_server, outsider.email, ui_password)
    with page.expect_response(re.compile(r"/api/jsonschemas/cms-analysis/")) as schema:
        page.goto(f"{cap_server}/published/{recid}")
    assert schema.value.status == 200
    expect(page.get_by_role("heading", name="Read from outside")).to_be_visible()
    metadata = page.get_by_role("region", name="Metadata")
    expect(metadata.get_by_role("heading", name="Basic information")).to_be_visible()
    expect(metadata.locator("dt")).to_contain_text(["Analysis title", "Working group"])
    expect(metadata).not_to_contain_text("basic info")
    expect(metadata).not_to_contain_text("analysis title")
    screenshot(page, artifacts, "19b-record-outside-reader")


def test_files_panel_versions_replace_delete_drop_and_empty_files(
    cap_server, browser_page, ui_user, ui_password, artifacts
):
    page = browser_page
    login(page, cap_server, ui_user.email, ui_password)
    create_draft(page, cap_server, "Files panel")
    panel = page.get_by_role("region", name="Files")
    confirms = []
    page.on("dialog", lambda dialog: (confirms.append(dialog.message), dialog.accept()))

    def pick(name, content):
        panel.get_by_label("File", exact=True).set_input_files(
            files=[{"name": name, "mimeType": "text/plain", "buffer": content}])

    # An empty file is refused with a message, before any upload.
    pick("empty.txt", b"")
    expect(panel.get_by_role("alert")).to_contain_text("empty.txt is empty (0 bytes)")
    expect(panel.get_by_role("button", name="Upload")).to_be_disabled()
    pick("fit.txt", b"first version")
    panel.get_by_label(re.compile("^Tags")).fill("type=fit")
    panel.get_by_role("button", name="Upload").click()
    expect(panel.get_by_text("Uploaded fit.txt.")).to_be_visible(timeout=15000)
    expect(panel.get_by_role("link", name="fit.txt")).to_be_visible(timeout=15000)
    # The same name again: replaced after a confirmation; the older version stays.
    pick("fit.txt", b"second, longer version")
    panel.get_by_role("button", name="Upload").click()
    expect(panel.get_by_role("row", name=re.compile(r"^fit\.txt .* 22 B"))).to_be_visible(
        timeout=15000)
    # The new version keeps the tags of the one it replaced.
    assert confirms[-1] == ("Replace fit.txt? The current version stays in its version "
                            "history; its tags (type=fit) are kept.")
    expect(panel.get_by_role("row", name=re.compile(r"^fit\.txt")).locator(".tag")).to_have_text(
        "type=fit")
    panel.get_by_role("button", name="Versions of fit.txt").click()
    older = panel.get_by_role("list", name="Older versions of fit.txt")
    expect(older.get_by_role("link")).to_have_count(1)
    expect(older).to_contain_text("13 B")
    href = older.get_by_role("link").get_attribute("href")
    assert "versionId=" in href
    assert page.request.get(f"{cap_server}{href}").body() == b"first version"
    # Drag and drop picks the file.
    page.evaluate("""() => {
        const data = new DataTransfer();
        data.items.add(new File(["dropped"], "dropped.txt", {type: "text/plain"}));
        const panel = document.querySelector(".files-panel");
        panel.dispatchEvent(new DragEvent("dragover", {dataTransfer: data, bubbles: true}));
        panel.dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true}));
    }""")
    expect(panel.get_by_text("Ready: dropped.txt")).to_be_visible()
    panel.get_by_role("button", name="Upload").click()
    expect(panel.get_by_role("link", name="dropped.txt")).to_be_visible(timeout=15000)
    screenshot(page, artifacts, "05b-files-panel")
    panel.get_by_role("button", name="Delete dropped.txt").click()
    expect(panel.get_by_role("link", name="dropped.txt")).to_have_count(0, timeout=15000)
    expect(panel.get_by_role("link", name="fit.txt")).to_be_visible()


def test_editor_and_record_fit_a_390_px_screen(
    app, cap_server, browser_page, ui_user, ui_password, artifacts
):
    from invenio_access.utils import get_identity

    from cap.modules.deposit.proxies import current_deposit_service

    identity = get_identity(ui_user)
    draft = current_deposit_service.create(identity, {
        "$ana_type": "cms-analysis",
        "general_title": "Narrow screens",
        "basic_info": {"cms_working_group": "EXO", "cadi_id": "EXO-19-046",
                       "people_info": [{"name": "A. Physicist", "orcid": "0000-0002-1825-0097"}]},
    })
    recid = current_deposit_service.publish(identity, draft.pid)["_deposit"]["pid"]["value"]
    current_deposit_service.edit(identity, draft.pid)
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, cap_server, ui_user.email, ui_password)
    for url, name in ((f"/drafts/{draft.pid}", "20-editor-390px"),
                      (f"/published/{recid}", "21-record-390px")):
        page.goto(f"{cap_server}{url}")
        expect(page.get_by_role("heading", name="Narrow screens")).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        wide = page.evaluate("""() => [...document.querySelectorAll("body *")]
            .filter((e) => e.getBoundingClientRect().right > 391)
            .slice(0, 5).map((e) => `${e.tagName}.${e.className}#${e.id}`)""")
        assert width <= 390, (url, width, wide)
        screenshot(page, artifacts, name)

    # On a wide screen the record's access panel is a narrow side column: its
    # words stay whole (only the addresses of the first column may break).
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{cap_server}/published/{recid}")
    expect(page.get_by_role("region", name="Access").locator("tbody tr").first).to_be_visible()
    broken = page.evaluate("""() => [
        ...document.querySelectorAll("table.access td:not(:first-child)")]
        .flatMap((td) => {
          const split = [];
          const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const word of node.textContent.matchAll(/\\S+/g)) {
              const range = document.createRange();
              range.setStart(node, word.index);
              range.setEnd(node, word.index + word[0].length);
              if (range.getClientRects().length > 1) split.push(word[0]);
            }
          }
          return split;
        })""")
    assert broken == [], broken
