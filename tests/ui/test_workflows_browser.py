"""The Workflows panel of a draft and the record's reproducibility badge, in Chromium.

Against the fake REANA server: create a run from the draft's reana.yaml,
change a parameter, start it, watch its status change live until it
finishes, read its logs and outputs, rerun it with another value, then
publish and check the record's reproducibility.
"""

import io

import pytest
from invenio_access.permissions import authenticated_user
from invenio_access.utils import get_identity
from invenio_app.factory import create_app as create_ui_and_api
from invenio_db import db
from invenio_files_rest.models import ObjectVersion
from playwright.sync_api import expect
from test_browser import login, screenshot

create_app = create_ui_and_api

REANA_YAML = b"""\
inputs:
  files: [code/fit.py]
  parameters: {mass: 125, width: 4}
workflow:
  type: serial
  specification:
    steps:
      - commands: ['python code/fit.py --mass ${mass} --width ${width}']
outputs:
  files: [results/table.json]
"""


@pytest.fixture(scope="module")
def app_config(app_config, live_app_config, reana_server):
    """Served on its own port; REANA is the local fake."""
    app_config.update(reana_server.config, CAP_REANA_RETRIES=0)
    return live_app_config(app_config)


@pytest.fixture()
def draft(cap_server, ui_user, complete):
    """A generic draft of ``ui_user`` holding reana.yaml and its input."""
    from cap.modules.deposit.proxies import current_deposit_service

    identity = get_identity(ui_user)
    identity.provides.add(authenticated_user)
    item = current_deposit_service.create(identity, {"$ana_type": "generic", **complete})
    for key, content in (("reana.yaml", REANA_YAML), ("code/fit.py", b"print('fit')\n")):
        ObjectVersion.create(item.record.bucket, key, stream=io.BytesIO(content))
    db.session.commit()
    return item.pid, identity


def test_workflows_panel_runs_reruns_and_reproduces(
    cap_server, browser_page, ui_user, ui_password, artifacts, draft, reana_server
):
    from cap.modules.deposit.proxies import current_deposit_service

    pid, identity = draft
    page = browser_page
    login(page, cap_server, ui_user.email, ui_password)
    page.goto(f"{cap_server}/drafts/{pid}")
    panel = page.locator("section", has=page.get_by_role("heading", name="Workflows"))
    expect(panel.get_by_text("No runs yet.")).to_be_visible()
    panel.get_by_label("Workflow name").fill("higgs-fit")
    panel.get_by_role("button", name="Create on REANA").click()
    first = panel.locator("li.wf-run[data-run='1']")
    expect(first.get_by_label("Run status")).to_have_text("created")
    first.get_by_label("mass").fill("130")
    first.get_by_role("button", name="Start").click()
    # Live: the panel asks for the status every 2 s until REANA says finished.
    expect(first.get_by_label("Run status")).to_have_text("finished", timeout=20000)
    expect(first.get_by_label("Outputs")).to_contain_text("higgs-fit/run-1/results/table.json")
    expect(first).to_contain_text("mass=130")
    # The draft's Files panel lists the attached output too.
    expect(page.get_by_role("link", name="higgs-fit/run-1/results/table.json")).to_be_visible()
    first.get_by_role("button", name="Logs").click()
    expect(first.get_by_label("Logs")).to_contain_text("workflow finished")
    screenshot(page, artifacts, "20-workflow-finished")

    first.get_by_label("width").fill("6")
    first.get_by_role("button", name="Rerun with these parameters").click()
    second = panel.locator("li.wf-run[data-run='2']")
    expect(second.get_by_label("Run status")).to_have_text("finished", timeout=20000)
    expect(second).to_contain_text("width=6")
    expect(panel.locator("li.wf-run")).to_have_count(2)
    screenshot(page, artifacts, "21-workflow-rerun")

    # The dashboard lists my runs, newest first.
    page.goto(f"{cap_server}/")
    mine = page.get_by_role("region", name="My workflow runs")
    expect(mine.get_by_role("listitem")).to_have_count(2)
    expect(mine.get_by_role("link").first).to_have_text("higgs-fit #2")
    screenshot(page, artifacts, "23-dashboard-my-runs")

    # Published, the record offers the reproducibility check and shows its badge.
    record = current_deposit_service.publish(identity, pid)
    page.goto(f"{cap_server}/published/{record.recid}")
    badge = page.locator("section", has=page.get_by_role("heading", name="Reproducibility"))
    expect(badge.get_by_text("Never rerun.")).to_be_visible()
    badge.get_by_role("button", name="Rerun and compare").click()
    expect(badge.get_by_text("reproduced on")).to_be_visible(timeout=20000)
    screenshot(page, artifacts, "22-record-reproduced")
    assert len(reana_server.workflows) == 3
