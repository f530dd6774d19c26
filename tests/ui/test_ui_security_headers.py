"""Security headers of the pages and the cookies of a deployment.

Every page answers with CAP's Content-Security-Policy (scripts from our own
origin only: no inline script, no ``eval``, no other host), forbids framing
by other sites, sniffing and leaking the full URL to other sites; its HTML
holds no inline script or event handler the policy would block. With the
deployment settings of ``invenio.cfg`` (HTTPS only), the session and CSRF
cookies are ``Secure`` and same-site, the session cookie is out of reach of
scripts, and no remember-me cookie is ever issued.
"""

from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Config

INSTANCE_CFG = Path(__file__).parents[2] / "invenio.cfg"
DATA_SCRIPT_TYPES = {"application/ld+json", "application/json"}
"""Script elements the browser never runs (data blocks): allowed inline."""


def deployment_settings(tmp_path_factory):
    """The cookie and header settings ``invenio.cfg`` gives a deployment (no CAP_PLAIN_HTTP)."""
    import os

    folder = tmp_path_factory.mktemp("instance")
    saved = {name: os.environ.pop(name, None) for name in ("CAP_PLAIN_HTTP",)}
    os.environ["INVENIO_INSTANCE_PATH"] = str(folder)
    try:
        config = Config(str(folder))
        config.from_pyfile(str(INSTANCE_CFG))
    finally:
        os.environ.pop("INVENIO_INSTANCE_PATH")
        for name, value in saved.items():
            if value is not None:
                os.environ[name] = value
    names = ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE", "APP_DEFAULT_SECURE_HEADERS")
    return {name: config[name] for name in names}


@pytest.fixture(scope="module")
def app_config(app_config, tmp_path_factory):
    """Served as a deployment is: HTTPS only."""
    app_config.update(deployment_settings(tmp_path_factory))
    return app_config


@pytest.fixture
def https_client(app):
    with app.test_client() as client:
        client.environ_base["wsgi.url_scheme"] = "https"
        yield client


def https(client, method, path, **kwargs):
    return client.open(path, method=method, base_url="https://127.0.0.1:5000", **kwargs)


class ScriptFinder(HTMLParser):
    """Collects what a CSP without ``'unsafe-inline'`` would block."""

    def __init__(self):
        super().__init__()
        self.inline = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.inline.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                    "javascript:"):
                self.inline.append(f"<{tag} {name}=javascript:...>")
            if name == "style":
                self.inline.append(f"<{tag} style=...>")
        if tag == "script" and not attrs.get("src") and attrs.get("type") not in DATA_SCRIPT_TYPES:
            self._in_inline_script = True
        if tag == "style":
            self.inline.append("<style>")

    def handle_data(self, data):
        if self._in_inline_script and data.strip():
            self.inline.append(f"<script>{data.strip()[:40]}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False


def policy_of(answer):
    """The Content-Security-Policy as ``{directive: [sources]}``."""
    policy = {}
    for part in answer.headers["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        policy[name] = sources
    return policy


def assert_hardened(answer):
    policy = policy_of(answer)
    scripts = policy.get("script-src", policy["default-src"])
    assert scripts == ["'self'"], policy
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy.get("base-uri") == ["'self'"], policy
    assert policy.get("img-src", policy["default-src"]) in (["'self'"], ["'self'", "data:"])
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert answer.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=31556926")


def assert_no_inline_script(answer):
    finder = ScriptFinder()
    finder.feed(answer.get_data(as_text=True))
    assert finder.inline == [], finder.inline


def test_the_inline_script_finder_finds_what_the_policy_blocks():
    """The check below can fail: each construct a strict CSP blocks is found."""
    finder = ScriptFinder()
    finder.feed('<script>alert(1)</script><a href="javascript:x()">x</a>'
                '<img onerror="x()"><p style="color:red"></p><style>p{}</style>'
                '<script type="application/ld+json">{}</script><script src="/a.js"></script>')
    assert len(finder.inline) == 5, finder.inline


def test_plain_http_is_redirected_to_https(app):
    answer = app.test_client().get("/login/")
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("https://")


@pytest.mark.parametrize("path,status", [("/", 200), ("/login/", 200), ("/docs/api", 200),
                                         ("/nowhere", 404)])
def test_public_pages_are_hardened(https_client, path, status):
    answer = https(https_client, "GET", path)
    assert answer.status_code == status
    assert_hardened(answer)
    assert_no_inline_script(answer)


def login(client, user, password, **extra):
    answer = https(client, "POST", "/login/",
                   data={"email": user.email, "password": password, **extra})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return answer


@pytest.mark.parametrize("path", ["/", "/search", "/collection/cms-analysis",
                                  "/account/settings/applications/"])
def test_pages_of_a_logged_in_user_are_hardened(https_client, ui_user, ui_password, path):
    login(https_client, ui_user, ui_password)
    answer = https(https_client, "GET", path)
    assert answer.status_code == 200
    assert_hardened(answer)
    assert_no_inline_script(answer)


def cookies_set(answer):
    """``{name: lower-cased attributes}`` of the answer's Set-Cookie headers."""
    found = {}
    for header in answer.headers.getlist("Set-Cookie"):
        name = header.split("=", 1)[0]
        found[name] = [part.strip().lower() for part in header.split(";")[1:]]
    return found


def test_deployment_cookies_are_secure_and_same_site(https_client, ui_user, ui_password):
    answer = login(https_client, ui_user, ui_password, remember="y")
    cookies = cookies_set(answer)
    assert "secure" in cookies["session"], cookies
    assert "httponly" in cookies["session"] and "samesite=lax" in cookies["session"], cookies
    # No remember-me cookie even when asked: it would outlive a revoked session
    # (invenio-accounts turns it off; this keeps it off).
    assert not {"remember_token", "remember"} & set(cookies), cookies
    # The CSRF cookie is read by the bundle (not HttpOnly), but never sent in clear.
    page = https(https_client, "GET", "/")
    csrf = cookies_set(page).get("csrftoken") or cookies.get("csrftoken")
    assert csrf is not None
    assert "secure" in csrf and "samesite=lax" in csrf and "httponly" not in csrf
