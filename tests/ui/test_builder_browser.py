"""The content builder in a real browser (issue 20): a superuser builds a small
CMS type with a nested array and a CADI autocomplete field at /admin/types,
previews it in the deposit form, has a broken pattern refused on its field,
saves it; a CMS member then creates a draft of it and finds it in search under
the type's new facet. A type administrator (no superuser) lays a new version
of their type out in tabs, with a conditional field and an e-group field, and
a member fills its form. A superuser saves every other part (the field kinds,
placeholder, read-only-for, sort options, a hand-edited mapping, settings,
grants), has refused grants retried alone, and imports the exported file as
the next version. Screenshots: docs/screenshots/builder-*.png."""

import json
import re
import shutil
from pathlib import Path

import pytest
from invenio_app.factory import create_app as create_ui_and_api
from playwright.sync_api import expect
from test_browser import goto_until, login, screenshot, wait_saved

create_app = create_ui_and_api

TYPE = "cms-builder-demo"
LAYOUT_TYPE = "cms-builder-layout"
PARTS_TYPE = "cms-builder-parts"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="module")
def app_config(app_config, live_app_config):
    """Served on its own port, with CSRF protection on."""
    return live_app_config(app_config)


@pytest.fixture(scope="module")
def superuser(app, database, ui_password, experiment_roles):
    """A CAP support member (superuser) who logs in with a password."""
    from flask_security.utils import hash_password
    from invenio_accounts.proxies import current_datastore
    from invenio_db import db

    from cap.modules.instance.fixtures import ensure_role

    user = current_datastore.create_user(
        email="ui-support@inveniosoftware.org", password=hash_password(ui_password), active=True)
    user.confirmed_at = db.func.now()
    current_datastore.add_role_to_user(user, ensure_role("analysis-preservation-support@cern.ch"))
    db.session.commit()
    return user


def delete_indexes(name):
    """The indexes of every version of type ``name``."""
    from cap.modules.schemas import api
    from cap.modules.schemas.errors import SchemaNotFoundError

    try:
        versions = api.versions_of(name)
    except SchemaNotFoundError:
        return
    api.delete_index_names([index for schema in versions for index in api.index_names(schema)])


@pytest.fixture()
def built_type_indexes(app):
    """The indexes of the versions the test builds, deleted after it."""
    yield
    delete_indexes(TYPE)


@pytest.fixture()
def layout_type(app, cap_server, superuser):
    """v1.0.0 of a CMS type made by a superuser: a title and a basic-information group."""
    from invenio_access.utils import get_identity

    from cap.modules.schemas.proxies import current_schemas_service

    current_schemas_service.create(get_identity(superuser), {
        "name": LAYOUT_TYPE, "version": "1.0.0", "fullname": "Layout demo", "experiment": "CMS",
        "deposit_schema": {"type": "object", "required": ["general_title"], "properties": {
            "general_title": {"type": "string", "title": "Title"},
            "basic_info": {"type": "object", "title": "Basic information", "properties": {
                "cadi_id": {"type": "string", "title": "CADI ID"}}},
        }},
        "deposit_options": {"ui:order": ["general_title", "basic_info", "*"]},
    })
    yield LAYOUT_TYPE
    delete_indexes(LAYOUT_TYPE)


@pytest.fixture()
def type_admin(app, create_user, ui_password, layout_type):
    """An administrator of the layout type only (``deposit-schema-admin`` on it), no superuser."""
    from flask_security.utils import hash_password
    from invenio_access.models import ActionUsers
    from invenio_access.permissions import ParameterizedActionNeed
    from invenio_db import db

    person = create_user("ui-type-admin@inveniosoftware.org")
    person.user.password = hash_password(ui_password)
    db.session.add(ActionUsers.allow(ParameterizedActionNeed("deposit-schema-admin", layout_type),
                                     user_id=person.id))
    db.session.commit()
    return person


def shot(page, artifacts, name):
    """A screenshot in the artifacts, copied into docs/screenshots."""
    screenshot(page, artifacts, name)
    DOCS.mkdir(parents=True, exist_ok=True)
    shutil.copy(artifacts / f"{name}.png", DOCS / f"{name}.png")


def add_field(page, key, kind=None, parent=None, title=None):
    """Add a field (at the top or into ``parent``), then set its key, type and title."""
    if parent:
        page.get_by_role("button", name=f"Add a field to {parent}", exact=True).click()
    else:
        page.get_by_role("button", name="Add a field", exact=True).click()
    editor = page.locator(".field-editor")
    editor.get_by_label("Key (in the document)").fill(key)
    if kind:
        editor.get_by_label("Type", exact=True).select_option(kind)
    if title:
        editor.get_by_label("Title", exact=True).fill(title)


@pytest.fixture()
def parts_type_indexes(app):
    """The indexes of the versions the parts test builds, deleted after it."""
    yield
    delete_indexes(PARTS_TYPE)


def tree_keys(page):
    return page.locator(".field-row").evaluate_all("rows => rows.map(r => r.dataset.field)")


def test_build_a_type_preview_save_deposit_and_find_it(
    app, cap_server, browser_page, context, superuser, ui_user, ui_password, artifacts,
    built_type_indexes,
):
    from cap.modules.cms.cadi.sync import sync_from_file
    from cap.modules.schemas import api

    sync_from_file(app.config["CAP_CADI_DEMO_FILE"])  # CADI suggestions from the synced copy
    page = browser_page
    login(page, cap_server, superuser.email, ui_password)
    page.goto(f"{cap_server}/admin/types")
    expect(page.get_by_role("heading", name="Deposit types")).to_be_visible()
    expect(page.locator("tr[data-type='cms-analysis']")).to_contain_text("v2.0.0")
    page.get_by_role("button", name="New type…").click()

    page.get_by_label("Name", exact=True).fill(TYPE)
    page.get_by_label("Full name").fill("Builder demo")
    page.get_by_label("Experiment").select_option("CMS")
    # The starter's title, then a group with a CADI id and a list of datasets.
    add_field(page, "basic_info", kind="object", title="Basic information")
    add_field(page, "cadi_id", parent="basic_info", title="CADI ID")
    editor = page.locator(".field-editor")
    editor.get_by_label("Pattern (regular expression)").fill(r"^[A-Z]{3}-\d{2}-\d{3}$")
    editor.get_by_label("Suggestions").select_option("cadi")
    add_field(page, "datasets", kind="array", title="Datasets")
    add_field(page, "year", kind="integer", parent="datasets", title="Year")
    add_field(page, "name", parent="datasets", title="Dataset name")
    editor.get_by_label("Required to publish").check()
    assert tree_keys(page) == ["general_title", "basic_info", "cadi_id", "datasets", "year", "name"]
    # Drag and drop: the dataset name before the year.
    page.locator(".field-row[data-field='name']").drag_to(page.locator(".field-row[data-field='year']"))
    assert tree_keys(page) == ["general_title", "basic_info", "cadi_id", "datasets", "name", "year"]
    # The buttons: datasets up above basic_info, and back down.
    page.get_by_role("button", name="Move datasets up").click()
    assert tree_keys(page)[1:3] == ["datasets", "name"]
    page.get_by_role("button", name="Move datasets down").click()
    assert tree_keys(page) == ["general_title", "basic_info", "cadi_id", "datasets", "name", "year"]

    # The facet on the datasets' names (a keyword in the generated mapping).
    page.get_by_role("tab", name="Search").click()
    mapping = page.get_by_label("Search mapping (JSON)")
    expect(mapping).to_contain_text('"name": {\n          "type": "keyword"')
    page.get_by_role("button", name="Add a facet").click()
    page.get_by_label("Facet name").fill("dataset")
    page.get_by_label("Facet field").fill("datasets.name")
    page.get_by_role("tab", name="Fields").click()

    # The preview is the deposit form: validation and CADI suggestions as a depositor gets them.
    preview = page.get_by_role("region", name="Preview")
    expect(preview.get_by_label("Title", exact=True)).to_be_visible()
    cadi = preview.get_by_label("CADI ID", exact=True)
    cadi.press_sequentially("hig-", delay=20)
    listbox = preview.get_by_role("listbox", name="Suggestions from CADI")
    expect(listbox.get_by_role("option").first).to_be_visible()
    cadi.press("ArrowDown")
    cadi.press("Enter")
    expect(cadi).to_have_value(re.compile(r"^HIG-\d{2}-\d{3}$"))
    preview.get_by_role("group", name="Datasets").get_by_role("button", name="Add").click()
    expect(preview.get_by_label("Dataset name", exact=True)).to_be_visible()
    # The array's buttons show what they do (rjsf's own draw an icon font we do not ship).
    datasets = preview.get_by_role("group", name="Datasets")
    expect(datasets.get_by_role("button", name="Remove", exact=True)).to_have_text("×")
    expect(datasets.get_by_role("button", name="Add", exact=True)).to_have_text("+ Add")
    preview.get_by_label("Year", exact=True).fill("2018")
    preview.get_by_role("button", name="Check as at publish").click()
    expect(preview.get_by_role("status").filter(has_text="Publishing would refuse")).to_be_visible()
    expect(preview.locator("#field_general_title__error")).to_contain_text("Required")
    expect(preview.locator("#field_datasets_0_name__error")).to_contain_text("Required")
    shot(page, artifacts, "builder-preview")

    # Saving: a broken pattern is refused and shown on its field.
    page.locator(".field-row[data-field='cadi_id'] .field-pick").click()
    editor.get_by_label("Pattern (regular expression)").fill("[A-Z")
    page.get_by_role("button", name="Review and save…").click()
    dialog = page.get_by_role("dialog", name="Review the changes")
    expect(dialog).to_contain_text("no earlier version")
    dialog.get_by_role("button", name=f"Save {TYPE} v1.0.0").click()
    problems = page.locator(".builder-problems")
    expect(problems).to_contain_text("deposit_schema.properties.basic_info.properties.cadi_id.pattern")
    expect(page.locator(".field-row[data-field='cadi_id'] .field-error-badge")).to_be_visible()
    shot(page, artifacts, "builder-refused")
    problems.get_by_role("button", name="Show the field").click()
    editor.get_by_label("Pattern (regular expression)").fill(r"^[A-Z]{3}-\d{2}-\d{3}$")
    page.get_by_role("button", name="Review and save…").click()
    dialog.get_by_role("button", name=f"Save {TYPE} v1.0.0").click()
    expect(page.get_by_role("status").filter(has_text=f"Saved {TYPE} v1.0.0")).to_be_visible(
        timeout=20000)
    expect(page.locator(f"tr[data-type='{TYPE}']")).to_contain_text("v1.0.0")
    stored = api.get_schema(TYPE, "1.0.0")
    assert stored.experiment == "CMS"
    assert stored.deposit_options["basic_info"]["cadi_id"]["ui:options"] == {"suggest": "cadi"}
    assert stored.deposit_schema["properties"]["datasets"]["items"]["required"] == ["name"]
    assert stored.config["facets"]["dataset"] == {"terms": {"field": "datasets.name", "size": 10}}

    # A new version: the diff against v1.0.0 before saving.
    page.get_by_role("button", name=f"New version of {TYPE}").click()
    expect(page.get_by_label("Version", exact=True)).to_have_value("1.1.0")
    page.locator(".field-row[data-field='general_title'] .field-pick").click()
    editor.get_by_label("Description").fill("What the analysis is about.")
    page.get_by_role("button", name="Review and save…").click()
    expect(dialog).to_contain_text("Changes from v1.0.0")
    expect(dialog.locator("tr.diff-added")).to_contain_text(
        "deposit_schema.properties.general_title.description")
    shot(page, artifacts, "builder-diff")
    dialog.get_by_role("button", name="Back to the builder").click()
    page.get_by_role("button", name="Cancel").click()

    # A CMS member creates a draft of the new type and finds it under its facet.
    member = context.new_page()
    context.clear_cookies()
    login(member, cap_server, ui_user.email, ui_password)
    member.get_by_label("Type").select_option(TYPE)
    member.get_by_label("Title (optional)").fill("Built in the browser")
    member.get_by_role("button", name="Create draft").click()
    member.wait_for_url(re.compile(r"/drafts/\w+"), timeout=30000)
    member.get_by_role("group", name="Datasets").get_by_role("button", name="Add").click()
    member.get_by_label("Dataset name", exact=True).fill("/DoubleMuon/Run2018A/MINIAOD")
    wait_saved(member)
    facet = member.get_by_role("group", name="Dataset name")
    goto_until(member, f"{cap_server}/search?q=&collection={TYPE}",
               facet.get_by_text("/DoubleMuon/Run2018A/MINIAOD"), seconds=20)
    expect(member.locator(".hit").first).to_contain_text("Built in the browser")
    shot(member, artifacts, "builder-search-facet")
    member.close()


def test_a_type_administrator_lays_out_a_version_in_tabs_with_a_conditional_field(
    app, cap_server, browser_page, context, type_admin, ui_user, ui_password, artifacts,
):
    from cap.modules.schemas import api

    page = browser_page
    login(page, cap_server, type_admin.email, ui_password)
    page.goto(f"{cap_server}/admin/types")
    expect(page.get_by_role("heading", name="Deposit types")).to_be_visible()
    # Their type only, and no new types: those are for superusers.
    expect(page.get_by_role("button", name="New type…")).to_have_count(0)
    expect(page.get_by_role("button", name="New version of cms-analysis")).to_have_count(0)
    page.get_by_role("button", name=f"New version of {LAYOUT_TYPE}").click()
    expect(page.get_by_label("Version", exact=True)).to_have_value("1.1.0")
    expect(page.get_by_label("Experiment")).to_be_disabled()

    # The conveners' e-group, suggested from the CERN directory.
    add_field(page, "conveners", parent="basic_info", title="Conveners' e-group")
    editor = page.locator(".field-editor")
    expect(editor.get_by_label("Suggestions").locator("option[value='users']")).to_have_text(
        "CERN users (directory)")
    editor.get_by_label("Suggestions").select_option("egroups")
    # A group answered yes or no, its details shown only after a yes.
    add_field(page, "ml", kind="object", title="Machine learning")
    add_field(page, "ml_use", parent="ml", title="Machine learning used?")
    editor.get_by_label("Allowed values (one a line; empty: any)").fill("Yes\nNo")
    add_field(page, "ml_details", parent="ml", title="Machine-learning details")
    editor.get_by_label("Show only when").select_option("ml_use")
    expect(page.get_by_role("alert").filter(has_text="pick the values")).to_be_visible()
    editor.get_by_role("group", name="Values that show it").get_by_label("Yes").check()
    expect(editor.get_by_label("Required to publish")).to_be_disabled()
    badge = page.locator(".field-row[data-field='ml_details'] .condition-badge")
    expect(badge).to_have_text("if ml_use")

    # Tabs: the title and the basic information together, machine learning its own.
    page.get_by_role("tab", name="Layout").click()
    page.get_by_label("Show the top-level fields as tabs").check()
    page.get_by_role("button", name="Add a tab").click()
    page.get_by_label("Tab title").fill("Basics")
    page.get_by_label("Tab of general_title").select_option(label="Basics")
    page.get_by_label("Tab of basic_info").select_option(label="Basics")
    shot(page, artifacts, "builder-layout-tabs")
    page.get_by_role("tab", name="Fields").click()

    # The preview draws the form as a depositor gets it: tabs, the condition, the e-groups.
    preview = page.get_by_role("region", name="Preview")
    tabs = preview.get_by_role("tablist")
    expect(tabs.get_by_role("tab")).to_have_text(["Basics", "Machine learning"])
    expect(tabs.get_by_role("tab", name="Basics")).to_have_attribute("aria-selected", "true")
    conveners = preview.get_by_label("Conveners' e-group", exact=True)
    conveners.press_sequentially("cms-hig", delay=20)
    listbox = preview.get_by_role("listbox", name="Suggestions from The CERN directory")
    expect(listbox.get_by_role("option").first).to_contain_text("cms-higgs-conveners@cern.ch")
    conveners.press("ArrowDown")
    conveners.press("Enter")
    expect(conveners).to_have_value("cms-higgs-conveners@cern.ch")
    expect(preview.get_by_label("Machine learning used?")).to_be_hidden()
    tabs.get_by_role("tab", name="Machine learning").click()
    used = preview.get_by_label("Machine learning used?")
    expect(used).to_be_visible()
    expect(conveners).to_be_hidden()
    details = preview.get_by_label("Machine-learning details")
    expect(details).to_have_count(0)
    used.select_option("Yes")
    expect(details).to_be_visible()
    details.fill("A boosted decision tree")
    shot(page, artifacts, "builder-layout-preview")
    used.select_option("No")
    expect(details).to_have_count(0)
    # The publish check shows the tab holding what is missing.
    preview.get_by_role("button", name="Check as at publish").click()
    expect(tabs.get_by_role("tab", name="Basics")).to_have_attribute("aria-selected", "true")
    expect(tabs.get_by_role("tab", name="Basics")).to_contain_text("!")
    expect(preview.locator("#field_general_title__error")).to_contain_text("Required")

    page.get_by_role("button", name="Review and save…").click()
    dialog = page.get_by_role("dialog", name="Review the changes")
    expect(dialog).to_contain_text("Changes from v1.0.0")
    expect(dialog.locator("tr.diff-added", has_text="deposit_options.ui:object")).to_contain_text(
        "tabView")
    shot(page, artifacts, "builder-layout-diff")
    dialog.get_by_role("button", name=f"Save {LAYOUT_TYPE} v1.1.0").click()
    expect(page.get_by_role("status").filter(has_text=f"Saved {LAYOUT_TYPE} v1.1.0")).to_be_visible(
        timeout=20000)

    stored = api.get_schema(LAYOUT_TYPE, "1.1.0")
    assert stored.deposit_options["ui:object"] == "tabView"
    assert stored.deposit_options["ui:options"] == {"tabs": [{
        "id": "basics", "name": "basics", "title": "Basics",
        "content": ["general_title", "basic_info"]}]}
    assert stored.deposit_options["basic_info"]["conveners"]["ui:options"] == {"suggest": "egroups"}
    ml = stored.deposit_schema["properties"]["ml"]
    assert list(ml["properties"]) == ["ml_use"]
    assert ml["dependencies"] == {"ml_use": {"oneOf": [
        {"properties": {"ml_use": {"enum": ["Yes"]},
                        "ml_details": {"type": "string", "title": "Machine-learning details"}}},
        {"properties": {"ml_use": {"enum": ["No"]}}},
    ]}}
    assert stored.deposit_options["ml"]["ui:order"] == ["ml_use", "ml_details", "*"]
    # The conditional field is searchable like the others.
    assert stored.deposit_mapping["properties"]["ml"]["properties"]["ml_details"] == {
        "type": "keyword"}

    # A CMS member's deposit editor draws the saved version the same way.
    member = context.new_page()
    context.clear_cookies()
    login(member, cap_server, ui_user.email, ui_password)
    member.get_by_label("Type").select_option(LAYOUT_TYPE)
    member.get_by_label("Title (optional)").fill("Laid out in tabs")
    member.get_by_role("button", name="Create draft").click()
    member.wait_for_url(re.compile(r"/drafts/\w+"), timeout=30000)
    form_tabs = member.locator(".form-tabs").get_by_role("tablist")
    expect(form_tabs.get_by_role("tab")).to_have_text(["Basics", "Machine learning"])
    form_tabs.get_by_role("tab", name="Machine learning").click()
    member.get_by_label("Machine learning used?").select_option("Yes")
    member.get_by_label("Machine-learning details").fill("A boosted decision tree")
    wait_saved(member)
    shot(member, artifacts, "builder-layout-deposit")
    member.close()


def test_every_part_of_a_type_saved_exported_and_imported(
    app, cap_server, browser_page, superuser, ui_user, ui_password, artifacts, parts_type_indexes,
):
    """The field kinds (format, number, boolean, $ref), placeholder, read-only-for,
    sort options, a hand-edited mapping, PID format, reviewable and grants, as
    saved and as the preview draws them; grants refused after the version
    was created are said so and retried alone; the exported file, changed and
    imported, makes the next version."""
    page = browser_page
    api_url = f"{cap_server}/api/jsonschemas/{PARTS_TYPE}"
    login(page, cap_server, superuser.email, ui_password)
    page.goto(f"{cap_server}/admin/types")
    page.get_by_role("button", name="New type…").click()
    page.get_by_label("Name", exact=True).fill(PARTS_TYPE)
    page.get_by_label("Experiment").select_option("CMS")

    editor = page.locator(".field-editor")
    add_field(page, "contact", title="Contact")
    editor.get_by_label("Format").select_option("email")
    editor.get_by_label("Placeholder").fill("name@cern.ch")
    editor.get_by_label("Users (emails, comma-separated)").fill(superuser.email)
    editor.get_by_label("E-groups / roles (comma-separated)").fill("cms-conveners@cern.ch, cms-exo")
    add_field(page, "luminosity", kind="number", title="Luminosity")
    add_field(page, "blinded", kind="boolean", title="Blinded")
    add_field(page, "generic", kind="ref", title="Generic part")
    editor.get_by_label("Registered type").select_option(label="Generic analysis v2.0.0")

    preview = page.get_by_role("region", name="Preview")
    contact = preview.get_by_label("Contact", exact=True)
    expect(contact).to_have_attribute("placeholder", "name@cern.ch")
    expect(contact).to_have_attribute("type", "email")
    expect(preview.get_by_label("Luminosity", exact=True)).to_have_attribute("type", "number")
    expect(preview.get_by_label("Blinded", exact=True)).to_have_attribute("type", "checkbox")
    # The registered type inlined: its own fields inside the $ref'd group.
    expect(preview.get_by_role("group", name="Generic part")).to_contain_text("Keywords")
    contact.fill("not an email")
    preview.get_by_role("button", name="Check as at publish").click()
    # Once: the publish check does not repeat what the form flags as one types.
    expect(preview.locator("#field_contact__error")).to_have_text("Must be an email address")
    shot(page, artifacts, "builder-kinds-preview")

    page.get_by_role("tab", name="Search").click()
    page.get_by_role("button", name="Add a sort option").click()
    page.get_by_label("Sort name").fill("luminosity")
    page.get_by_label("Sort field").fill("luminosity")
    mapping = page.get_by_label("Search mapping (JSON)")
    generated = json.loads(mapping.input_value())
    assert generated["properties"]["luminosity"] == {"type": "double"}
    edited = {"properties": {**generated["properties"], "contact": {"type": "text"}}}
    mapping.fill(json.dumps(edited))
    expect(page.get_by_text("Edited by hand")).to_be_visible()

    page.get_by_role("tab", name="Settings").click()
    page.get_by_label("PID format").fill("CMS-PARTS-{year}-{counter:04d}")
    page.get_by_label("Reviewable").check()

    page.get_by_role("tab", name="Access").click()
    page.get_by_role("button", name="Add a grant").click()
    page.get_by_label("E-group or email").fill("cms-parts-readers@cern.ch")
    page.get_by_role("button", name="Add a grant").click()
    second = page.get_by_role("group", name="Grant 2")
    second.get_by_label("Grant to").select_option("user")
    second.get_by_label("E-group or email").fill("nobody@inveniosoftware.org")
    second.get_by_label("Right").select_option("deposit-schema-update")

    with page.expect_download() as download:
        page.get_by_role("button", name="Export JSON").click()
    assert download.value.suggested_filename == f"{PARTS_TYPE}-v1.0.0.json"
    exported = json.loads(Path(download.value.path()).read_text())

    # The version is created, its grants refused (an unknown user): said apart.
    page.get_by_role("button", name="Review and save…").click()
    page.get_by_role("dialog").get_by_role("button", name=f"Save {PARTS_TYPE} v1.0.0").click()
    refused = page.locator(".builder-grants-problem")
    expect(refused).to_contain_text(f"Saved {PARTS_TYPE} v1.0.0, but not its grants")
    expect(refused).to_contain_text("No user with this email")
    expect(page.get_by_text("Not saved")).to_have_count(0)
    expect(page.get_by_role("button", name="Review and save…")).to_be_disabled()
    expect(second.get_by_label("E-group or email")).to_have_attribute("aria-invalid", "true")
    shot(page, artifacts, "builder-grants-refused")
    second.get_by_label("E-group or email").fill(ui_user.email)
    refused.get_by_role("button", name="Retry the grants").click()
    expect(page.get_by_role("status").filter(has_text=f"Saved {PARTS_TYPE} v1.0.0")).to_be_visible(
        timeout=20000)

    stored = page.request.get(f"{api_url}/1.0.0").json()
    for part in ("deposit_schema", "deposit_options", "config", "deposit_mapping"):
        assert stored[part] == exported[part], part
    properties = stored["deposit_schema"]["properties"]
    assert properties["contact"] == {
        "type": "string", "title": "Contact", "format": "email",
        "x-cap-permission": {"users": [superuser.email],
                             "roles": ["cms-conveners@cern.ch", "cms-exo"]}}
    assert properties["luminosity"] == {"type": "number", "title": "Luminosity"}
    assert properties["blinded"] == {"type": "boolean", "title": "Blinded"}
    assert properties["generic"]["$ref"].endswith("/generic-v2.0.0.json")
    assert stored["deposit_options"]["contact"] == {"ui:placeholder": "name@cern.ch"}
    assert stored["deposit_mapping"] == edited
    assert stored["config"]["sort_options"] == {"luminosity": {"fields": ["luminosity"]}}
    assert stored["config"]["pid_format"] == "CMS-PARTS-{year}-{counter:04d}"
    assert stored["config"]["reviewable"] is True
    grants = page.request.get(f"{api_url}/permissions").json()["deposit"]
    assert grants["read"]["roles"] == ["cms-parts-readers@cern.ch"]
    assert grants["update"]["users"] == [ui_user.email]

    # The file, changed by hand and imported: the next version of the type.
    exported["fullname"] = "Parts, imported"
    remarks = {"type": "string", "title": "Remarks"}
    exported["deposit_schema"]["properties"]["remarks"] = remarks
    imported = artifacts / f"{PARTS_TYPE}-edited.json"
    imported.write_text(json.dumps(exported))
    page.get_by_role("button", name=f"New version of {PARTS_TYPE}").click()
    page.get_by_test_id("import-definition").set_input_files(imported)
    expect(page.get_by_label("Full name")).to_have_value("Parts, imported")
    expect(page.get_by_label("Version", exact=True)).to_have_value("1.1.0")
    assert tree_keys(page) == [
        "general_title", "contact", "luminosity", "blinded", "generic", "remarks"]
    expect(preview.get_by_label("Remarks", exact=True)).to_be_visible()
    page.get_by_role("button", name="Review and save…").click()
    dialog = page.get_by_role("dialog", name="Review the changes")
    expect(dialog.locator("tr.diff-added")).to_contain_text("deposit_schema.properties.remarks")
    dialog.get_by_role("button", name=f"Save {PARTS_TYPE} v1.1.0").click()
    expect(page.get_by_role("status").filter(has_text=f"Saved {PARTS_TYPE} v1.1.0")).to_be_visible(
        timeout=20000)
    stored = page.request.get(f"{api_url}/1.1.0").json()
    assert stored["fullname"] == "Parts, imported"
    assert stored["deposit_schema"]["properties"]["remarks"] == remarks
    assert stored["config"]["reviewable"] is True
