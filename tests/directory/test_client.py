"""The ldap3 directory client against the fake directory."""

import socket
import time

import pytest
from fakes.ldap_server import egroup, start_directory

from cap.modules.core.errors import (
    InvalidRequestError,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
)
from cap.modules.directory.client import DirectoryClient
from cap.modules.directory.config import (
    CAP_DIRECTORY_EGROUP_FILTER,
    CAP_DIRECTORY_EGROUPS_BASE,
    CAP_DIRECTORY_USER_FILTER,
    CAP_DIRECTORY_USERS_BASE,
)


def make_client(url, **kwargs):
    """A client with the production bases and filters."""
    options = {"timeout": 1, "retries": 1, "size_limit": 10, **kwargs}
    return DirectoryClient(
        url,
        CAP_DIRECTORY_USERS_BASE,
        CAP_DIRECTORY_EGROUPS_BASE,
        CAP_DIRECTORY_USER_FILTER,
        CAP_DIRECTORY_EGROUP_FILTER,
        **options,
    )


@pytest.fixture()
def directory(fake_ldap):
    """A client of the fake directory."""
    return make_client(fake_ldap.url)


def test_lookup_user(directory, fake_ldap):
    """Exact address, case-insensitive; primary accounts only."""
    assert directory.lookup_user("john.doe@CERN.ch") == {
        "email": "john.doe@cern.ch",
        "display_name": "John Doe",
        "department": "EP/CMG",
    }
    assert directory.lookup_user("john.doe.service@cern.ch") is None
    assert directory.lookup_user("nobody@cern.ch") is None
    assert fake_ldap.searches[0]["base"] == CAP_DIRECTORY_USERS_BASE
    assert fake_ldap.searches[0]["filter"] == (
        "(&(objectClass=user)(cernAccountType=Primary)(mail=john.doe@CERN.ch))"
    )


def test_search_users_by_prefix(directory):
    """Prefix search, sorted, without service accounts or broken entries."""
    found = directory.search_users("john")
    assert [user["email"] for user in found] == ["john.doe2@cern.ch", "john.doe@cern.ch"]
    assert directory.search_users("zzz") == []


def test_search_escapes_wildcards(directory, fake_ldap):
    """A ``*`` in the query is sent as a literal character, not a wildcard."""
    assert directory.search_users("*") == []  # no address starts with a star
    assert fake_ldap.searches[-1]["filter"].endswith("(mail=\\2a*))")
    assert [u["email"] for u in directory.search_users("st*")] == ["st*r@cern.ch"]
    assert fake_ldap.searches[-1]["filter"].endswith("(mail=st\\2a*))")
    assert directory.lookup_user("j*@cern.ch") is None
    assert fake_ldap.searches[-1]["filter"].endswith("(mail=j\\2a@cern.ch))")


def test_size_limit(fake_ldap):
    """At most ``size_limit`` entries come back (the server stops there)."""
    directory = make_client(fake_ldap.url, size_limit=1)
    assert len(directory.search_users("john.doe")) == 1  # two match
    assert fake_ldap.searches[-1]["size_limit"] == 1


def test_lookup_egroup(directory):
    """By name or address; missing ``mail`` derived from the name."""
    expected = {
        "name": "cms-members",
        "email": "cms-members@cern.ch",
        "description": "All CMS members",
    }
    assert directory.lookup_egroup("cms-members") == expected
    assert directory.lookup_egroup("CMS-Members@cern.ch") == expected
    assert directory.lookup_egroup("cms-quiet")["email"] == "cms-quiet@cern.ch"
    assert directory.lookup_egroup("cms") is None


def test_search_egroups_by_prefix(directory, fake_ldap):
    """Prefix search over e-group names, in the e-groups base."""
    names = [group["name"] for group in directory.search_egroups("cms-")]
    assert names == ["cms-higgs-conveners", "cms-members", "cms-quiet"]
    assert fake_ldap.searches[-1]["base"] == CAP_DIRECTORY_EGROUPS_BASE
    assert directory.search_egroups("atlas-active-members-all@cern.ch")[0]["name"] == (
        "atlas-active-members-all"
    )


@pytest.mark.parametrize("query", ["", "   ", None, "x" * 300])
def test_bad_queries(directory, query):
    """Empty or absurd queries are refused before reaching the directory."""
    with pytest.raises(InvalidRequestError):
        directory.search_users(query)


def test_timeout_is_retried_then_reported(directory, fake_ldap):
    """A silent server: each attempt waits ``timeout``, then UpstreamTimeoutError."""
    fake_ldap.mode = "hang"
    started = time.monotonic()
    with pytest.raises(UpstreamTimeoutError) as error:
        directory.lookup_user("john.doe@cern.ch")
    assert time.monotonic() - started < 6
    assert len(fake_ldap.searches) == 2  # one retry
    assert "did not answer within 1 s" in error.value.message


def test_garbage_answer(directory, fake_ldap):
    """Bytes that are not LDAP: UpstreamUnavailableError, not a crash."""
    fake_ldap.mode = "garbage"
    with pytest.raises(UpstreamUnavailableError):
        directory.search_egroups("cms")
    assert len(fake_ldap.searches) == 2


def test_server_down():
    """Nothing listening: UpstreamUnavailableError quickly."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    directory = make_client(f"ldap://127.0.0.1:{port}", retries=0)
    with pytest.raises(UpstreamUnavailableError):
        directory.lookup_user("john.doe@cern.ch")


def test_recovers_after_failure(directory, fake_ldap):
    """A new connection per call: the next call after a failure works."""
    fake_ldap.mode = "garbage"
    with pytest.raises(UpstreamUnavailableError):
        directory.lookup_user("john.doe@cern.ch")
    fake_ldap.mode = "ok"
    assert directory.lookup_user("john.doe@cern.ch")["display_name"] == "John Doe"


@pytest.mark.parametrize("query", ["(╯°□°）╯︵ ┻━┻)", "cms-(members)", "a\\b"])
def test_filter_characters_in_a_query_are_sent_escaped(directory, fake_ldap, query):
    """A prefix holding ``(``, ``)`` or ``\\`` is a plain value to the directory
    (scripts/fuzz's one 5xx was the fake directory failing on it): nothing found."""
    assert directory.search_egroups(query) == []
    assert directory.search_users(query) == []
    assert "\\28" in fake_ldap.searches[-1]["filter"] or "\\5c" in fake_ldap.searches[-1]["filter"]


def test_a_name_holding_parentheses_is_found():
    """The value's parentheses match themselves."""
    server = start_directory(entries=[egroup("cms-odd(1)", "An odd name")])
    try:
        directory = make_client(server.url)
        assert [g["name"] for g in directory.search_egroups("cms-odd(")] == ["cms-odd(1)"]
        assert directory.lookup_egroup("cms-odd(1)")["description"] == "An odd name"
    finally:
        server.stop()
