"""A fake CERN directory (LDAP over TCP on 127.0.0.1) with realistic entries."""

import pytest
from fakes.ldap_server import start_directory


@pytest.fixture(scope="module")
def ldap_server():
    """The fake directory, serving for the module; reset to normal per test."""
    server = start_directory()
    yield server
    server.stop()


@pytest.fixture()
def fake_ldap(ldap_server):
    """The fake directory, behaving and with a clean log of searches."""
    ldap_server.mode = "ok"
    ldap_server.searches.clear()
    yield ldap_server
    ldap_server.mode = "ok"


@pytest.fixture(scope="module")
def app_config(app_config, ldap_server):
    """The directory client pointed at the fake, with a short timeout."""
    app_config.update(CAP_DIRECTORY_URL=ldap_server.url, CAP_DIRECTORY_TIMEOUT=1)
    return app_config
