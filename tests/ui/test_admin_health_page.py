"""Browser: /admin/health shows superusers the failed fixity checks (issue 21)
and the mails that failed after their last retry (issue 16); a member gets a
403, a guest the login page."""

from pathlib import Path

import pytest
from invenio_app.factory import create_app as create_ui_and_api
from playwright.sync_api import expect
from test_browser import login, screenshot

create_app = create_ui_and_api


@pytest.fixture(scope="module")
def app_config(app_config, live_app_config, smtp):
    """Served on its own port; mail goes to the test SMTP server, one retry."""
    app_config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_SUPPRESS_SEND=False,
                      CAP_NOTIFICATIONS_MAX_RETRIES=1)
    return live_app_config(app_config)


@pytest.fixture(scope="module")
def superuser(app, database, ui_password, experiment_roles):
    """A CAP support member (superuser) who logs in with a password."""
    from flask_security.utils import hash_password
    from invenio_accounts.proxies import current_datastore
    from invenio_db import db

    from cap.modules.instance.fixtures import ensure_role

    user = current_datastore.create_user(
        email="ui-admin-support@inveniosoftware.org", password=hash_password(ui_password),
        active=True)
    user.confirmed_at = db.func.now()
    current_datastore.add_role_to_user(user, ensure_role("analysis-preservation-support@cern.ch"))
    db.session.commit()
    return user


@pytest.fixture
def broken(cap_server, ui_user, smtp, example):
    """A questionnaire with three files, published while the SMTP server refuses
    (its mail fails); then one file corrupted, one removed and the fixity check run."""
    import io

    from invenio_access.permissions import system_identity
    from invenio_access.utils import get_identity
    from invenio_db import db
    from invenio_files_rest.models import ObjectVersion

    from cap.modules.deposit.proxies import current_deposit_service
    from cap.modules.files.fixity import FixityService

    identity = get_identity(ui_user)
    draft = current_deposit_service.create(
        identity, {"$ana_type": "cms-stats-questionnaire", **example("cms-stats-questionnaire")}
    )
    files = {
        key: ObjectVersion.create(draft.bucket, key, stream=io.BytesIO(f"{key} bytes".encode()))
        for key in ("intact.txt", "corrupted.txt", "missing.txt")
    }
    db.session.commit()
    smtp.handler.mode = "refuse"
    try:
        current_deposit_service.publish(identity, draft.pid)
    finally:
        smtp.handler.reset()
    corrupted = Path(files["corrupted.txt"].file.uri)
    original = corrupted.read_bytes()
    corrupted.write_bytes(bytes(reversed(original)))  # same size: only the checksum tells
    Path(files["missing.txt"].file.uri).unlink()
    FixityService().verify(system_identity)
    return draft.pid, files, original


def test_superusers_see_failed_checks_and_mails_and_recheck_a_file(
    cap_server, browser_page, superuser, ui_password, artifacts, broken
):
    pid, files, original = broken
    page = browser_page
    login(page, cap_server, superuser.email, ui_password)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin").click()
    expect(page.get_by_role("heading", name="Admin", exact=True)).to_be_visible()

    fixity = page.get_by_role("table", name="Failed fixity checks")
    corrupted = fixity.get_by_role("row").filter(has_text="corrupted.txt")
    missing = fixity.get_by_role("row").filter(has_text="missing.txt")
    # The draft's version and the published snapshot's both use the file.
    expect(corrupted).to_have_count(2)
    expect(corrupted.first).to_contain_text(pid)
    expect(corrupted.first).to_contain_text(files["corrupted.txt"].file.checksum)
    expect(corrupted.first).to_contain_text("does not match")
    expect(missing.first).to_contain_text("missing (could not be read)")
    expect(fixity.get_by_text("intact.txt")).to_have_count(0)

    mails = page.get_by_role("table", name="Failed mails")
    [row] = mails.get_by_role("row").filter(has_text="publish").all()
    expect(row).to_contain_text(pid)
    expect(row).to_contain_text("cms-statistics-committee@cern.ch")
    expect(row).to_contain_text("[CMS-STATS] Questionnaire")
    expect(row).to_contain_text("554")
    expect(row.get_by_role("cell").last).to_have_text("2")  # the first try and one retry
    screenshot(page, artifacts, "admin-health")

    Path(files["corrupted.txt"].file.uri).write_bytes(original)  # repaired
    fixity.get_by_role("button", name="Re-check corrupted.txt").click()
    expect(corrupted.first).to_contain_text("matches again")
    expect(missing.first).to_contain_text("missing (could not be read)")


def test_members_get_a_403_and_guests_the_login(cap_server, browser_page, ui_user, ui_password):
    page = browser_page
    page.goto(f"{cap_server}/admin/health")
    expect(page.get_by_label("Email")).to_be_visible()  # the login form

    login(page, cap_server, ui_user.email, ui_password)
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin")
           ).to_have_count(0)
    assert page.goto(f"{cap_server}/admin/health").status == 403
