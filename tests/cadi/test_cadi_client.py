"""The CADI client against the fake auth + CADI server: paging, token, failures."""

import time

import pytest
from fakes.cadi_server import CLIENT_ID, CLIENT_SECRET

from cap.modules.cms.cadi.client import CadiClient
from cap.modules.core.errors import NotFoundError, UpstreamTimeoutError, UpstreamUnavailableError


def make_client(server, **kwargs):
    settings = {
        "api_url": f"{server.url}/api",
        "token_url": f"{server.url}/auth/realms/cern/api-access/token",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "audience": "cms-cadi",
        "page_size": 7,
        "timeout": 1,
        "retries": 2,
        "backoff": 0.01,
    }
    settings.update(kwargs)
    return CadiClient(**settings)


@pytest.fixture()
def fake(cadi_server):
    cadi_server.reset()
    yield cadi_server
    cadi_server.reset()


def test_lists_every_page_with_one_token(fake):
    client = make_client(fake)
    items = list(client.iter_analyses())
    assert [item.get("code") for item in items] == [a.get("code") for a in fake.analyses]
    assert len(items) == 20
    pages = [path for method, path in fake.requests if path.startswith("/api/analyses?")]
    assert len(pages) == 3  # 7 + 7 + 6
    assert fake.token_requests == 1


def test_since_is_sent_upstream(fake):
    client = make_client(fake)
    items = list(client.iter_analyses(since="2022-03-01"))
    assert items and all(item["updateDate"] >= "2022-03-01" for item in items)
    assert any("updated_since=2022-03-01" in path for _, path in fake.requests)


def test_detail_and_unknown(fake):
    client = make_client(fake)
    assert client.get_analysis("HIG-21-004")["name"].startswith("Search for Higgs boson pair")
    with pytest.raises(NotFoundError):
        client.get_analysis("HIG-99-999")


def test_wrong_credentials_are_a_clear_upstream_error(fake):
    client = make_client(fake, client_secret="wrong")
    with pytest.raises(UpstreamUnavailableError, match="refused CAP's credentials"):
        client.get_analysis("HIG-21-004")


def test_expired_token_is_renewed_once(fake):
    client = make_client(fake)
    client.get_analysis("HIG-21-004")
    fake.tokens.clear()  # the auth service forgot it
    assert client.get_analysis("EXO-19-001")["code"] == "EXO-19-001"
    assert fake.token_requests == 2


def test_transient_failures_are_retried(fake):
    fake.fail_next = 2
    client = make_client(fake, retries=2)
    assert client.get_analysis("HIG-21-004")["code"] == "HIG-21-004"


def test_down_after_retries(fake):
    fake.mode = "down"
    client = make_client(fake, retries=2)
    with pytest.raises(UpstreamUnavailableError):
        list(client.iter_analyses())
    # token endpoint: first attempt + 2 retries, then give up
    assert len([r for r in fake.requests if r[0] == "POST"]) == 3


def test_slow_answer_times_out_without_hanging(fake):
    client = make_client(fake, timeout=0.3, retries=0)
    client.get_analysis("HIG-21-004")  # token cached while fast
    fake.mode, fake.delay = "slow", 3
    started = time.monotonic()
    with pytest.raises(UpstreamTimeoutError):
        client.get_analysis("HIG-21-004")
    assert time.monotonic() - started < 1.5


def test_deadline_bounds_retries(fake):
    client = make_client(fake, timeout=0.3, retries=5, backoff=0.2)
    client.get_analysis("HIG-21-004")
    fake.mode, fake.delay = "slow", 3
    started = time.monotonic()
    with pytest.raises(UpstreamTimeoutError):
        client.get_analysis("HIG-21-004", deadline=time.monotonic() + 0.5)
    assert time.monotonic() - started < 1.5


def test_html_instead_of_json(fake):
    client = make_client(fake)
    fake.mode = "garbage"
    with pytest.raises(UpstreamUnavailableError, match="not JSON"):
        client.get_analysis("HIG-21-004")
