"""A fake CERN directory (LDAP over TCP on 127.0.0.1) with realistic entries."""

import pytest
from fake_ldap import FakeLDAP

USERS = "OU=Users,OU=Organic Units,DC=cern,DC=ch"
EGROUPS = "OU=e-groups,OU=Workgroups,DC=cern,DC=ch"


def person(login, mail, name, department, account="Primary"):
    """A CERN AD person entry."""
    return (
        f"CN={login},{USERS}",
        {
            "objectClass": ["top", "person", "organizationalPerson", "user"],
            "cn": login,
            "mail": mail,
            "displayName": name,
            "department": department,
            "cernAccountType": account,
        },
    )


def egroup(name, description, mail=True):
    """A CERN e-group entry."""
    attributes = {"objectClass": ["top", "group"], "cn": name, "description": description}
    if mail:
        attributes["mail"] = f"{name}@cern.ch"
    return f"CN={name},{EGROUPS}", attributes


ENTRIES = [
    person("jdoe", "John.Doe@cern.ch", "John Doe", "EP/CMG"),
    person("jdoe2", "john.doe2@cern.ch", "John Doe (2)", "EP/UCM"),
    person("jdsvc", "john.doe.service@cern.ch", "Service account", "IT", account="Service"),
    person("jane", "jane.roe@cern.ch", "Jane Roe", "EP/LBC"),
    person("star", "st*r@cern.ch", "Literal Star", "TH"),
    # Broken entries a real directory may hold: no address, an address without '@'.
    (f"CN=nomail,{USERS}", {"objectClass": ["user"], "cn": "nomail",
                            "cernAccountType": "Primary", "displayName": "No Mail"}),
    (f"CN=badmail,{USERS}", {"objectClass": ["user"], "cn": "badmail", "mail": "johnny",
                             "cernAccountType": "Primary"}),
    egroup("cms-members", "All CMS members"),
    egroup("cms-higgs-conveners", "CMS Higgs PAG conveners"),
    egroup("cms-quiet", "", mail=False),
    egroup("atlas-active-members-all", "ATLAS active members"),
]


@pytest.fixture(scope="module")
def ldap_server():
    """The fake directory, serving for the module; reset to normal per test."""
    server = FakeLDAP()
    for dn, attributes in ENTRIES:
        server.add(dn, attributes)
    server.url = server.start()
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
