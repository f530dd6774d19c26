"""The draft page's "Code repositories" panel in a real browser (fake GitHub behind CAP).

Connect a repository at a tag and follow its pushes, see the snapshot with
its commit; the fake GitHub then pushes and delivers a signed event to the
live server: the new snapshot shows after a reload. Screenshots go to
``test-artifacts/ui/``.
"""

import re

import pytest
from invenio_app.factory import create_app as create_ui_and_api
from playwright.sync_api import expect
from test_browser import create_draft, login, screenshot

create_app = create_ui_and_api


@pytest.fixture(scope="module")
def app_config(app_config, live_app_config, github_server):
    """Served on its own port; github.com is the fake."""
    from fakes.git_server import hosts_config

    app_config["CAP_REPOSITORIES_HOSTS"] = hosts_config(github_server)
    return live_app_config(app_config)


def test_connect_a_repository_and_see_its_snapshots(cap_server, browser_page, ui_user,
                                                    ui_password, artifacts, github_server):
    page, github = browser_page, github_server
    login(page, cap_server, ui_user.email, ui_password)
    create_draft(page, cap_server, "Repository panel test")
    panel = page.get_by_role("region", name="Code repositories")
    expect(panel.get_by_text("No snapshots.")).to_be_visible()

    repository = github.find("cms-hig/hzz4l-analysis")
    panel.get_by_label("Repository URL").fill("https://github.com/cms-hig/hzz4l-analysis/tree/main")
    panel.get_by_label("Follow").select_option("push")
    panel.get_by_role("button", name="Connect repository").click()
    expect(panel.get_by_role("status")).to_have_text(re.compile("Connected"), timeout=15000)
    rows = panel.get_by_role("table", name="Snapshots").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(repository.branches["main"][:10])
    expect(rows.first).to_contain_text("done")
    expect(panel.get_by_text("every push to main (active)")).to_be_visible()
    files = page.get_by_role("region", name="Files")
    expect(files.get_by_text("repositories/github.com/cms-hig/hzz4l-analysis/main.tar.gz")
           ).to_be_visible()
    screenshot(page, artifacts, "repositories-1-connected")

    # A push at GitHub: the fake delivers a signed event to the live server.
    (hook_id,) = repository.hooks
    sha = repository.push("main", {"README.md": b"v2\n"})
    assert github.deliver(hook_id, "push", branch="main").status_code == 202
    page.reload()
    panel = page.get_by_role("region", name="Code repositories")
    rows = panel.get_by_role("table", name="Snapshots").locator("tbody tr")
    expect(rows).to_have_count(2, timeout=15000)
    expect(rows.nth(1)).to_contain_text(sha[:10])

    # A URL of no known host: the answer says why, once (its field error says
    # the same as its message).
    panel.get_by_label("Repository URL").fill("https://example.org/a/b")
    panel.get_by_label("Follow").select_option("")
    panel.get_by_role("button", name="Connect repository").click()
    expect(panel.get_by_role("alert")).to_have_text(
        "Not a repository URL of a known host (github.com).")
    screenshot(page, artifacts, "repositories-2-after-push")
    panel.screenshot(path=str(artifacts / "repositories-3-panel.png"))
