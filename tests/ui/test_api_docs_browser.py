"""The REST API documentation page (/docs/api) in a real browser.

Swagger UI comes from the bundle (npm's swagger-ui-dist, built by vite into
the ``api-docs`` entry: no CDN) and renders ``GET /api/openapi.json`` under
CAP's production Content-Security-Policy: ``browser_page`` fails the test on
any JavaScript error or CSP violation. "Try it out" runs as the logged-in
user, with the CSRF header on writes.
"""

import json

import pytest
from invenio_app.factory import create_app as create_ui_and_api
from playwright.sync_api import expect
from test_browser import login, screenshot

create_app = create_ui_and_api


@pytest.fixture(scope="module")
def app_config(app_config, live_app_config):
    return live_app_config(app_config)


@pytest.fixture(scope="module")
def spec(cap_server):
    """The description the page renders, as the API serves it."""
    import urllib.request

    with urllib.request.urlopen(f"{cap_server}/api/openapi.json", timeout=30) as answer:
        return json.loads(answer.read())


def operations(spec):
    return [(method.upper(), path) for path, item in spec["paths"].items()
            for method in item if method in ("get", "put", "post", "delete", "patch")]


def test_the_docs_page_renders_every_operation(cap_server, browser_page, artifacts, spec):
    page = browser_page
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{cap_server}/docs/api")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text(spec["info"]["title"])
    expected = operations(spec)
    blocks = page.locator(".opblock-summary")
    expect(blocks).to_have_count(len(expected), timeout=30000)
    shown = {(block.locator(".opblock-summary-method").inner_text().strip(),
              block.locator(".opblock-summary-path").get_attribute("data-path"))
             for block in blocks.all()}
    assert shown == set(expected)
    # Everything the page loaded came from CAP itself.
    assert requested and all(url.startswith(cap_server) for url in requested), requested
    screenshot(page, artifacts, "30-api-docs")
    page.screenshot(path=str(artifacts / "30-api-docs-top.png"))


def test_try_it_out_as_the_logged_in_user(cap_server, browser_page, artifacts, spec,
                                          ui_user, ui_password):
    page = browser_page
    login(page, cap_server, ui_user.email, ui_password)
    page.goto(f"{cap_server}/docs/api")
    operation = page.locator(".opblock-get").filter(
        has=page.locator('.opblock-summary-path[data-path="/me"]'))
    # The page lays out some hundred operations: a busy machine takes a while.
    expect(page.locator(".opblock-summary")).to_have_count(len(operations(spec)), timeout=30000)
    operation.locator(".opblock-summary-control").click(timeout=30000)
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    body = operation.locator(".live-responses-table .response-col_description pre").first
    expect(body).to_contain_text(ui_user.email)
    operation.screenshot(path=str(artifacts / "31-api-docs-try-it-out.png"))
