"""Deployment settings: invenio.cfg is HTTPS-only unless the local switch says
plain HTTP; every API answer carries the security headers (the pages':
tests/ui/test_ui_security_headers.py)."""

from pathlib import Path

import pytest
from flask import Config

from cap.config import APP_DEFAULT_SECURE_HEADERS

INSTANCE_CFG = Path(__file__).parents[2] / "invenio.cfg"


def load_instance_config(tmp_path, monkeypatch, plain_http):
    monkeypatch.setenv("INVENIO_INSTANCE_PATH", str(tmp_path))
    if plain_http is None:
        monkeypatch.delenv("CAP_PLAIN_HTTP", raising=False)
    else:
        monkeypatch.setenv("CAP_PLAIN_HTTP", plain_http)
    config = Config(str(tmp_path))
    config.from_pyfile(str(INSTANCE_CFG))
    return config


@pytest.mark.parametrize("plain_http", [None, "0"])
def test_deployment_is_https_only(tmp_path, monkeypatch, plain_http):
    config = load_instance_config(tmp_path, monkeypatch, plain_http)
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["REMEMBER_COOKIE_SECURE"] is True
    headers = config["APP_DEFAULT_SECURE_HEADERS"]
    assert headers["force_https"] is True
    assert headers["session_cookie_secure"] is True
    assert headers["strict_transport_security"] is True
    assert headers["strict_transport_security_max_age"] >= 31536000
    assert "'self'" in headers["content_security_policy"]["frame-ancestors"]


def test_local_plain_http_switch(tmp_path, monkeypatch):
    config = load_instance_config(tmp_path, monkeypatch, "1")
    assert config["SESSION_COOKIE_SECURE"] is False
    assert config["REMEMBER_COOKIE_SECURE"] is False
    headers = config["APP_DEFAULT_SECURE_HEADERS"]
    assert headers["force_https"] is False and headers["session_cookie_secure"] is False


@pytest.fixture(scope="module")
def app_config(app_config):
    """CAP's own secure headers (pytest-invenio replaces them with its own)."""
    app_config["APP_DEFAULT_SECURE_HEADERS"] = APP_DEFAULT_SECURE_HEADERS
    return app_config


@pytest.mark.parametrize("path,status", [("/ping", 200), ("/deposits/nowhere", 401),
                                         ("/nowhere", 404)])
def test_api_answers_carry_the_security_headers(app, client, path, status):
    """Answers and error answers alike: no framing by other sites, no sniffing
    of a JSON body into HTML, no full URL sent to other sites."""
    answer = client.get(path)
    assert answer.status_code == status
    policy = answer.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy
    assert "default-src 'self'" in policy
    assert "base-uri 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_each_app_searches_its_own_hosts(app_config, create_app):
    """Two apps of one process, two engines: neither takes the other's hosts
    (invenio-search writes the hosts into SEARCH_CLIENT_CONFIG as it builds)."""
    from invenio_search import current_search_client

    clients = []
    for port in (9201, 9202):
        built = create_app(**{**app_config, "SEARCH_HOSTS": [{"host": "127.0.0.1", "port": port}]})
        with built.app_context():
            clients.append(current_search_client.transport.hosts)
    assert clients == [[{"host": "127.0.0.1", "port": 9201}],
                       [{"host": "127.0.0.1", "port": 9202}]]
