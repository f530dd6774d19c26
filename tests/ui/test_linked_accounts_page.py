"""The "Linked accounts" page and the repository picker in a real browser, the fake
GitHub as the OAuth provider: connect (the browser goes to the provider and
back), pick a private repository of the linked account on a draft and attach
it, disconnect. Screenshots go to ``test-artifacts/ui/``."""

import re

import pytest
from invenio_app.factory import create_app as create_ui_and_api
from playwright.sync_api import expect
from test_browser import create_draft, login, screenshot

create_app = create_ui_and_api


@pytest.fixture(scope="module")
def app_config(app_config, live_app_config, github_server):
    """Served on its own port; github.com and its OAuth are the fake's."""
    from fakes.git_server import hosts_config
    from fakes.oauth import linked_accounts_config

    app_config.update(CAP_REPOSITORIES_HOSTS=hosts_config(github_server),
                      CAP_LINKED_ACCOUNTS=linked_accounts_config(github=github_server))
    return live_app_config(app_config)


def test_link_pick_and_disconnect(cap_server, browser_page, ui_user, ui_password, artifacts,
                                  github_server):
    page = browser_page
    github_server.reset()
    login(page, cap_server, ui_user.email, ui_password)
    page.get_by_role("link", name="Linked accounts").click()
    table = page.get_by_role("table", name="Linked accounts")
    row = table.locator("tbody tr", has_text="GitHub")
    expect(row).to_contain_text("Not linked")
    screenshot(page, artifacts, "linked-accounts-1-none")

    row.get_by_role("link", name="Connect GitHub").click()
    # To the fake GitHub's authorize endpoint and back through the callback.
    page.wait_for_url(re.compile(r"/account/linked-accounts$"))
    expect(page.get_by_text("Your GitHub account sandersson is linked.")).to_be_visible()
    row = page.get_by_role("table", name="Linked accounts").locator("tbody tr",
                                                                   has_text="GitHub")
    expect(row).to_contain_text("sandersson (Sofia Andersson)")
    expect(row.get_by_role("button", name="Disconnect GitHub")).to_be_visible()
    expect(row.locator("td").nth(2)).not_to_contain_text("T")  # a date, not a raw ISO time
    screenshot(page, artifacts, "linked-accounts-2-linked")

    create_draft(page, cap_server, "Linked repository test")
    panel = page.get_by_role("region", name="Code repositories")
    panel.get_by_label("Pick one of your repositories").select_option(
        label="sandersson/thesis-fits (private)")
    expect(panel.get_by_label("Repository URL")).to_have_value(
        "https://github.com/sandersson/thesis-fits")
    panel.get_by_role("button", name="Connect repository").click()
    expect(panel.get_by_role("status")).to_have_text(re.compile("Snapshot requested"),
                                                     timeout=15000)
    rows = panel.get_by_role("table", name="Snapshots").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("sandersson/thesis-fits")
    page.reload()
    panel = page.get_by_role("region", name="Code repositories")
    expect(panel.get_by_role("table", name="Snapshots").locator("tbody tr").first
           ).to_contain_text("done", timeout=15000)
    panel.screenshot(path=str(artifacts / "linked-accounts-3-picked.png"))

    page.goto(f"{cap_server}/account/linked-accounts")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Disconnect GitHub").click()
    expect(page.get_by_role("status").filter(has_text="disconnected")).to_be_visible()
    row = page.get_by_role("table", name="Linked accounts").locator("tbody tr",
                                                                   has_text="GitHub")
    expect(row).to_contain_text("Not linked")
    assert len(github_server.oauth.revoked) == 1
    screenshot(page, artifacts, "linked-accounts-4-disconnected")
