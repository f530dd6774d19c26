"""Defaults of the directory module (copied into the app with ``setdefault``)."""

CAP_DIRECTORY_URL = "ldap://xldap.cern.ch"
"""LDAP server (anonymous bind, read only)."""

CAP_DIRECTORY_USERS_BASE = "OU=Users,OU=Organic Units,DC=cern,DC=ch"
"""Where people are."""

CAP_DIRECTORY_EGROUPS_BASE = "OU=e-groups,OU=Workgroups,DC=cern,DC=ch"
"""Where e-groups are."""

CAP_DIRECTORY_USER_FILTER = "(&(objectClass=user)(cernAccountType=Primary)(mail={}))"
"""Filter of people; ``{}`` is the escaped mail (or ``prefix*``). Primary accounts only."""

CAP_DIRECTORY_EGROUP_FILTER = "(&(objectClass=group)(cn={}))"
"""Filter of e-groups; ``{}`` is the escaped name (or ``prefix*``)."""

CAP_DIRECTORY_TIMEOUT = 5
"""Seconds to connect, and to wait for each answer."""

CAP_DIRECTORY_RETRIES = 1
"""Extra attempts after a failed or timed-out search."""

CAP_DIRECTORY_SIZE_LIMIT = 10
"""Most entries a prefix search returns."""

CAP_DIRECTORY_EMAIL_DOMAIN = "cern.ch"
"""Domain of e-group addresses: ``<name>@cern.ch``."""
