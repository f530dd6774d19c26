"""Browser: a record page lists the mails its publish sent (the audit trail)."""

import pytest
from invenio_app.factory import create_app as create_ui_and_api
from playwright.sync_api import expect
from test_browser import login, screenshot

create_app = create_ui_and_api


@pytest.fixture(scope="module")
def app_config(app_config, live_app_config, smtp):
    """Served on its own port; mail goes to the test SMTP server."""
    app_config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_SUPPRESS_SEND=False)
    return live_app_config(app_config)


def test_record_page_lists_the_notifications(
    app, cap_server, browser_page, ui_user, ui_password, artifacts, smtp, example
):
    from invenio_access.utils import get_identity

    from cap.modules.deposit.proxies import current_deposit_service

    identity = get_identity(ui_user)
    draft = current_deposit_service.create(
        identity, {"$ana_type": "cms-stats-questionnaire", **example("cms-stats-questionnaire")}
    )
    recid = current_deposit_service.publish(identity, draft.pid)["_deposit"]["pid"]["value"]
    assert len(smtp.handler.messages) == 1  # sent for real, before the page asks

    page = browser_page
    login(page, cap_server, ui_user.email, ui_password)
    page.goto(f"{cap_server}/published/{recid}")
    panel = page.get_by_role("region", name="Notifications")
    subject = f"[CMS-STATS] Questionnaire {recid} submitted: HIG-21-004"
    expect(panel.get_by_text(subject)).to_be_visible()
    expect(panel.get_by_text("sent", exact=True)).to_be_visible()
    expect(panel.get_by_text("cms-statistics-committee@cern.ch")).to_be_visible()
    expect(panel.get_by_text("hn-cms-hig-21-004@cern.ch")).to_be_visible()  # the owner: bcc too
    panel.scroll_into_view_if_needed()
    screenshot(page, artifacts, "18-record-notifications")
