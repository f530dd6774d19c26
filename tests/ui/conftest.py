"""UI fixtures: the Invenio UI app (``create_ui``), users with passwords."""

import pytest
from invenio_app.factory import create_ui
from support.live import free_port, served_config, serving

from cap.config import APP_DEFAULT_SECURE_HEADERS

PASSWORD = "cap-ui-test-password"


@pytest.fixture(scope="module")
def app_config(app_config):
    """The production theme and security headers, not pytest-invenio's."""
    app_config.update(
        # pytest-invenio picks the semantic-ui template variants; CAP does not.
        APP_THEME=None,
        # CAP's Content-Security-Policy, so pages that would need inline
        # scripts or CDN assets fail here as they would in production.
        APP_DEFAULT_SECURE_HEADERS=APP_DEFAULT_SECURE_HEADERS,
    )
    return app_config


@pytest.fixture(scope="module")
def create_app(instance_path):
    """The UI application (pages, login, settings)."""
    return create_ui


@pytest.fixture(scope="module")
def ui_user(app, database):
    """A confirmed CMS member who logs in with email and password."""
    from flask_security.utils import hash_password
    from invenio_accounts.proxies import current_datastore
    from invenio_db import db

    from cap.modules.instance.fixtures import ensure_role

    user = current_datastore.create_user(
        email="ui-cms@inveniosoftware.org",
        password=hash_password(PASSWORD),
        active=True,
    )
    user.confirmed_at = db.func.now()
    current_datastore.add_role_to_user(user, ensure_role("cms-members@cern.ch"))
    db.session.commit()
    return user


@pytest.fixture(scope="module")
def ui_password():
    """The password of ``ui_user``."""
    return PASSWORD


@pytest.fixture()
def logged_in(client, ui_user):
    """A test client logged in through the local login form."""
    response = client.post(
        "/login/", data={"email": ui_user.email, "password": PASSWORD}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    yield client
    client.post("/logout/")


# Browser tests
# =============
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="module")
def live_port():
    """A free loopback port for the live server."""
    return free_port()


@pytest.fixture(scope="module")
def live_app_config(live_port):
    """Function applying the served-app config; see ``cap_server``."""
    # Browser test modules apply it in their ``app_config`` fixture, so the
    # app is built with it.
    return lambda app_config: served_config(app_config, live_port)


@pytest.fixture(scope="module")
def cap_server(live_port, app, database, location, experiment_roles, ui_user):
    """The UI + API app served on loopback in a thread, on the test database.

    Every schema of cap/jsonschemas is loaded with its indexes first, and one
    more e-group role exists to share with.
    """
    from invenio_db import db

    from cap.modules.instance.fixtures import ensure_role
    from cap.modules.schemas import api

    ensure_role("cms-exo-conveners@cern.ch")  # an e-group known from an SSO login
    db.session.commit()
    names = []
    for schema, _ in api.load_from_directory():
        api.create_indexes(schema)
        names += api.index_names(schema)
    assert app.config["SERVER_NAME"] == f"127.0.0.1:{live_port}"
    with serving(app, live_port) as url:
        yield url
    api.delete_index_names(names)


@pytest.fixture(scope="module")
def artifacts():
    """Where screenshots go (git-ignored)."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "test-artifacts" / "ui"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def context(chromium):
    """A fresh browser profile per test (cookies included)."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10000)
    yield context
    context.close()


@pytest.fixture()
def browser_page(context):
    """A page that fails the test on any JavaScript error or CSP violation."""
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda msg: errors.append(msg.text)
        if msg.type == "error" and "Content Security Policy" in msg.text
        else None,
    )
    yield page
    assert not errors, errors
