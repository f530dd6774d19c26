"""``/api/services/ldap/<user|egroup>/mail?query=`` and the app's directory proxies."""

import pytest

from cap.modules.directory.proxies import lookup_egroup, lookup_user


@pytest.fixture(scope="module")
def member(create_user):
    """A logged-in (token) user."""
    return create_user("directory-user@cern.ch")


def test_users_endpoint(app, client, member, fake_ldap):
    """People by address prefix."""
    answer = client.get("/services/ldap/user/mail?query=jane", headers=member.headers)
    assert answer.status_code == 200
    assert answer.json == [
        {"email": "jane.roe@cern.ch", "display_name": "Jane Roe", "department": "EP/LBC"}
    ]


def test_egroups_endpoint(app, client, member, fake_ldap):
    """E-groups by name or address prefix."""
    answer = client.get("/services/ldap/egroup/mail?query=cms-h", headers=member.headers)
    assert answer.status_code == 200
    assert answer.json == [
        {
            "name": "cms-higgs-conveners",
            "email": "cms-higgs-conveners@cern.ch",
            "description": "CMS Higgs PAG conveners",
        }
    ]


@pytest.mark.parametrize("kind", ["user", "egroup"])
def test_login_required(app, client, fake_ldap, kind):
    """Anonymous callers get 401 and the directory is not asked."""
    answer = client.get(f"/services/ldap/{kind}/mail?query=cms")
    assert answer.status_code == 401
    assert fake_ldap.searches == []


def test_missing_query_is_400(app, client, member, fake_ldap):
    """No query: 400."""
    answer = client.get("/services/ldap/user/mail", headers=member.headers)
    assert answer.status_code == 400
    assert answer.json["status"] == 400


def test_timeout_is_504(app, client, member, fake_ldap):
    """A silent directory: 504 with a clear message."""
    fake_ldap.mode = "hang"
    answer = client.get("/services/ldap/user/mail?query=john", headers=member.headers)
    assert answer.status_code == 504
    assert "CERN directory" in answer.json["message"]


def test_garbage_is_502(app, client, member, fake_ldap):
    """A broken directory answer: 502."""
    fake_ldap.mode = "garbage"
    answer = client.get("/services/ldap/egroup/mail?query=cms", headers=member.headers)
    assert answer.status_code == 502


def test_proxies(app, fake_ldap):
    """``lookup_user`` / ``lookup_egroup`` for other modules (e.g. sharing)."""
    assert lookup_user("jane.roe@cern.ch")["display_name"] == "Jane Roe"
    assert lookup_user("nobody@cern.ch") is None
    assert lookup_egroup("cms-members@cern.ch")["name"] == "cms-members"
    assert lookup_egroup("nope") is None


def test_directory_outcomes_show_in_services_status(app, client, fake_ldap, create_user):
    """A failed and then a working look-up are both on /services/status."""
    user = create_user("status-watcher@cern.ch")
    url = "/services/ldap/user/mail?query=john"
    fake_ldap.mode = "garbage"
    assert client.get(url, headers=user.headers).status_code == 502
    fake_ldap.mode = "ok"
    assert client.get(url, headers=user.headers).status_code == 200
    state = client.get("/services/status", headers=user.headers).json["directory"]
    assert state["status"] == "ok"
    assert state["last_success"] and state["last_failure"]
    assert "could not be read" in state["last_failure"]["message"]


@pytest.mark.parametrize("kind", ["user", "egroup"])
def test_control_characters_are_refused_naming_the_query(app, client, member, fake_ldap, kind):
    """A 400 naming ``query``; the directory is not asked (it may drop the connection)."""
    answer = client.get(f"/services/ldap/{kind}/mail?query=jane%00%1f", headers=member.headers)
    assert answer.status_code == 400
    assert answer.json["errors"][0]["field"] == ["query"]
    assert "control characters" in answer.json["errors"][0]["message"]
