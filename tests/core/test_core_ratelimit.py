"""Rate limits: per user when logged in, per address for guests; 429 says when to retry."""

import re

import pytest

from cap import config as cap_config


@pytest.fixture(scope="module")
def app_config(app_config):
    """Limits small enough to reach, counted in this process only."""
    app_config.update(
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        RATELIMIT_AUTHENTICATED_USER="3 per minute",
        RATELIMIT_GUEST_USER="2 per minute",
    )
    return app_config


def test_defaults_are_invenio_rdms():
    assert cap_config.RATELIMIT_AUTHENTICATED_USER == "25000 per hour;1000 per minute"
    assert cap_config.RATELIMIT_GUEST_USER == "500 per minute"


def get(client, user=None, agent="cap-client/1.4", address="10.0.0.1"):
    headers = dict(user.headers) if user else {}
    headers["User-Agent"] = agent
    return client.get("/me", headers=headers, environ_base={"REMOTE_ADDR": address})


def assert_limited(answer):
    assert answer.status_code == 429, answer.json
    assert answer.json["status"] == 429
    retry_after = int(answer.headers["Retry-After"])
    assert 0 < retry_after <= 61
    said = re.search(r"Retry in (\d+) seconds\.", answer.json["message"])
    assert said and abs(int(said.group(1)) - retry_after) <= 1, answer.json["message"]
    assert "3 per 1 minute" in answer.json["message"] or "2 per 1 minute" in answer.json["message"]


def test_a_user_is_limited_whatever_the_user_agent(client, users):
    for n in range(3):
        assert get(client, users.owner, agent=f"agent-{n}").status_code == 200
    assert_limited(get(client, users.owner, agent="yet-another-agent"))
    # Another user from the same address has a budget of their own.
    assert get(client, users.colleague).status_code == 200


def test_a_guest_is_limited_per_address(client, users):
    for n in range(2):
        assert get(client, agent=f"guest-{n}", address="10.0.0.9").status_code == 401
    assert_limited(get(client, agent="fresh-agent", address="10.0.0.9"))
    assert get(client, address="10.0.0.10").status_code == 401
