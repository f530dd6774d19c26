"""Logging out takes a POST with the form's CSRF token: a link or a
cross-site form (GET /logout/, a POST without the token) does not log out."""

import re

import pytest

from cap.config import APP_DEFAULT_SECURE_HEADERS


@pytest.fixture(scope="module")
def app_config(app_config):
    """CSRF on forms, as in production (pytest-invenio turns it off)."""
    app_config.update(APP_THEME=None, APP_DEFAULT_SECURE_HEADERS=APP_DEFAULT_SECURE_HEADERS,
                      WTF_CSRF_ENABLED=True)
    return app_config


def csrf_of(page):
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    if match is None:
        match = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert match, page
    return match.group(1)


def logged_in(client):
    return "Log in" not in client.get("/").get_data(as_text=True)


def log_in(client, user, password):
    token = csrf_of(client.get("/login/").get_data(as_text=True))
    answer = client.post("/login/", data={"email": user.email, "password": password,
                                          "csrf_token": token})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    assert logged_in(client)


def test_logout_needs_a_post_with_csrf(client, ui_user, ui_password):
    log_in(client, ui_user, ui_password)
    header = client.get("/").get_data(as_text=True)
    assert 'class="logout-form"' in header and 'href="/logout/"' not in header
    # What another site can do: link to it, or post a form without the token.
    page = client.get("/logout/", headers={"Referer": "https://evil.example/"})
    assert page.status_code == 200 and logged_in(client)
    assert client.post("/logout/").status_code == 400 and logged_in(client)
    # The page's own form (also in the header of every page) logs out.
    body = page.get_data(as_text=True)
    assert 'action="/logout/" method="POST"' in body
    answer = client.post("/logout/", data={"csrf_token": csrf_of(body)})
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith("/oauth/logout")
    assert not logged_in(client)
