"""Every page of the UI app renders with CAP's own templates (no webpack)."""

import html
import json
import re

import pytest
from flask import render_template_string

WEBPACK_MARKERS = ("manifest.json", "theme.css", "base.js")


def assert_cap_page(response, status=200):
    """A complete CAP page: our bundle, no invenio-assets build."""
    body = response.get_data(as_text=True)
    assert response.status_code == status, body[:2000]
    assert body.lstrip().startswith("<!DOCTYPE html>")
    # The bundle by its content-hashed names (vite's manifest).
    assert re.search(r'src="/assets/cap-ui/dist/cap-ui\.[\w-]+\.js"', body)
    assert re.search(r'href="/assets/cap-ui/dist/cap-ui\.[\w-]+\.css"', body)
    for marker in WEBPACK_MARKERS:
        assert marker not in body
    return body


def page_props(body):
    """The JSON the bundle reads from ``#cap-app``."""
    match = re.search(r'id="cap-app" data-page="(\w+)" data-props="([^"]*)"', body)
    assert match, body
    return match.group(1), json.loads(html.unescape(match.group(2)))


def test_theme_templates_are_caps(app):
    """No template setting left pointing at a webpack-based template."""
    for key, value in app.config.items():
        if key.endswith("_TEMPLATE") and isinstance(value, str):
            assert not value.startswith("invenio_theme/"), (key, value)
    assert app.config["SECURITY_LOGIN_USER_TEMPLATE"] == "cap_ui/login.html"


def test_welcome_page_for_anonymous(client):
    body = assert_cap_page(client.get("/"))
    assert "Log in" in body
    assert "publishing opens an analysis to your whole collaboration" in body


def test_login_page(client):
    body = assert_cap_page(client.get("/login/"))
    assert 'name="login_user_form"' in body
    assert '<label for="email">Email</label>' in body
    assert '<label for="password">Password</label>' in body


def test_login_page_sso_button(app, client):
    remotes = app.config.get("OAUTHCLIENT_REMOTE_APPS") or {}
    body = assert_cap_page(client.get("/login/?next=/search"))
    for name, remote in remotes.items():
        if not remote.get("hide"):
            assert f"/oauth/login/{name}/?next=/search" in body
    if "cern_openid" in remotes:
        assert "Sign in with CERN SSO" in body


def test_login_logout(client, ui_user, ui_password):
    bad = client.post("/login/", data={"email": ui_user.email, "password": "wrong"})
    assert_cap_page(bad)
    assert "Invalid password" in bad.get_data(as_text=True)

    response = client.post("/login/", data={"email": ui_user.email, "password": ui_password})
    assert response.status_code == 302
    page, props = page_props(assert_cap_page(client.get("/")))
    assert page == "dashboard"
    assert props["user"] == {"id": ui_user.id, "email": ui_user.email}
    assert props["apiBase"] == "/api"

    assert client.post("/logout/").status_code == 302
    assert "Log in" in assert_cap_page(client.get("/"))


def test_login_sets_csrf_cookie(client, ui_user, ui_password):
    """The bundle sends this cookie back as X-CSRFToken on API writes."""
    client.post("/login/", data={"email": ui_user.email, "password": ui_password})
    assert client.get_cookie("csrftoken", domain="127.0.0.1") is not None
    client.delete_cookie("csrftoken", domain="127.0.0.1")
    client.get("/")
    assert client.get_cookie("csrftoken", domain="127.0.0.1") is not None
    client.post("/logout/")


@pytest.mark.parametrize(
    "path,page,props",
    [
        ("/search", "search", {}),
        ("/search?q=muon&facet=x", "search", {}),
        # (drafts and records: pages of existing ones in the browser tests,
        # unknown ones are 404s, below)
        ("/collection/cms-analysis", "collection", {"collection": "cms-analysis"}),
        (
            "/collection/cms-analysis/1.0.0",
            "collection",
            {"collection": "cms-analysis", "version": "1.0.0"},
        ),
    ],
)
def test_app_pages(logged_in, path, page, props):
    found_page, found_props = page_props(assert_cap_page(logged_in.get(path)))
    assert found_page == page
    for key, value in props.items():
        assert found_props[key] == value


@pytest.mark.parametrize("path", ["/search", "/drafts/x", "/published/x", "/collection/x"])
def test_app_pages_need_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login/" in response.headers["Location"]


def test_ids_from_url_are_escaped(logged_in):
    payload = '"><img src=x onerror=alert(1)>'
    body = assert_cap_page(logged_in.get("/drafts/" + payload), status=404)
    assert "<img src=x" not in body


def test_token_pages(logged_in):
    body = assert_cap_page(logged_in.get("/account/settings/applications/"))
    assert "Personal access tokens" in body
    assert_cap_page(logged_in.get("/account/settings/applications/tokens/new/"))

    response = logged_in.post(
        "/account/settings/applications/tokens/new/", data={"name": "my-script"}
    )
    assert response.status_code == 302
    body = assert_cap_page(logged_in.get(response.headers["Location"]))
    assert "my-script" in body


def test_unknown_draft_and_record_pages_are_real_404s(logged_in):
    # (pages of drafts and records that exist: the browser tests open them)
    assert "Page not found" in assert_cap_page(logged_in.get("/drafts/" + "0" * 32), status=404)
    assert "Page not found" in assert_cap_page(
        logged_in.get("/published/CAP.CMS.NONE.XIST"), status=404)


def test_pages_have_a_favicon(client):
    body = assert_cap_page(client.get("/no-such-page"), status=404)
    href = re.search(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)"', body).group(1)
    icon = client.get(href)
    assert icon.status_code == 200 and b"<svg" in icon.data
    # What browsers ask for by default leads to the same icon.
    default = client.get("/favicon.ico")
    assert default.status_code == 301 and default.headers["Location"].endswith(href)


def test_404_page(client):
    body = assert_cap_page(client.get("/no-such-page"), status=404)
    assert "Page not found" in body


@pytest.mark.parametrize(
    "handler,status,text",
    [
        ("unauthorized", 401, "Please log in"),
        ("insufficient_permissions", 403, "Access denied"),
        ("page_not_found", 404, "Page not found"),
        ("too_many_requests", 429, "Too many requests"),
    ],
)
def test_error_pages(app, handler, status, text):
    from invenio_theme import views

    with app.test_request_context("/"):
        body, code = getattr(views, handler)(Exception())
    assert code == status
    assert text in body
    assert "webpack" not in body


def test_500_page_stands_alone(app):
    """The 500 page renders even when the base templates would fail."""
    from invenio_theme.views import internal_error

    with app.test_request_context("/"):
        body, code = internal_error(Exception())
        assert code == 500
        assert "Internal server error" in body
        app.config["THEME_BASE_TEMPLATE"], saved = "no/such/template.html", app.config[
            "THEME_BASE_TEMPLATE"
        ]
        try:
            assert "Internal server error" in internal_error(Exception())[0]
        finally:
            app.config["THEME_BASE_TEMPLATE"] = saved


def test_user_text_is_escaped_in_templates(app):
    with app.test_request_context("/"):
        out = render_template_string("{{ v }}", v="<img src=x onerror=alert(1)>")
    assert out == "&lt;img src=x onerror=alert(1)&gt;"
