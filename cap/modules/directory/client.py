"""A small LDAP client of the CERN directory (``ldap3``, pure Python).

Each call opens a short anonymous, read-only connection, searches once and
closes it; failures are retried ``retries`` times and then surface as
:class:`UpstreamTimeoutError` or :class:`UpstreamUnavailableError`, so an
endpoint answers 504/502 instead of hanging or crashing.
"""

import contextlib
import socket

from ldap3 import NONE, SUBTREE, Connection, Server
from ldap3.core.exceptions import LDAPException
from ldap3.utils.conv import escape_filter_chars

from ..core.errors import (
    InvalidRequestError,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
    field_error,
)
from ..services.status import record_status

USER_ATTRIBUTES = ["mail", "displayName", "department"]
EGROUP_ATTRIBUTES = ["cn", "description", "mail"]


def _first(attributes, name):
    value = attributes.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return str(value).strip() if value not in (None, "") else None


def _is_timeout(error):
    seen = error
    while seen is not None:
        if isinstance(seen, (socket.timeout, TimeoutError)) or "timed out" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class DirectoryClient:
    """Users and e-groups of one LDAP directory."""

    def __init__(
        self,
        url,
        users_base,
        egroups_base,
        user_filter,
        egroup_filter,
        timeout=5,
        retries=1,
        size_limit=10,
        email_domain="cern.ch",
    ):
        """Remember where and how to search."""
        self.url = url
        self.users_base = users_base
        self.egroups_base = egroups_base
        self.user_filter = user_filter
        self.egroup_filter = egroup_filter
        self.timeout = timeout
        self.retries = retries
        self.size_limit = size_limit
        self.email_domain = email_domain

    @classmethod
    def from_config(cls, config):
        """A client from ``CAP_DIRECTORY_*`` settings."""
        return cls(
            url=config["CAP_DIRECTORY_URL"],
            users_base=config["CAP_DIRECTORY_USERS_BASE"],
            egroups_base=config["CAP_DIRECTORY_EGROUPS_BASE"],
            user_filter=config["CAP_DIRECTORY_USER_FILTER"],
            egroup_filter=config["CAP_DIRECTORY_EGROUP_FILTER"],
            timeout=config["CAP_DIRECTORY_TIMEOUT"],
            retries=config["CAP_DIRECTORY_RETRIES"],
            size_limit=config["CAP_DIRECTORY_SIZE_LIMIT"],
            email_domain=config["CAP_DIRECTORY_EMAIL_DOMAIN"],
        )

    # Searching
    # =========

    def _search_once(self, base, search_filter, attributes, size_limit):
        server = Server(self.url, connect_timeout=self.timeout, get_info=NONE)
        connection = Connection(
            server, read_only=True, receive_timeout=self.timeout, raise_exceptions=False
        )
        try:
            if not connection.bind():
                raise UpstreamUnavailableError(
                    f"The CERN directory refused the connection: {connection.result}"
                )
            connection.search(
                base,
                search_filter,
                search_scope=SUBTREE,
                attributes=attributes,
                size_limit=size_limit,
                time_limit=self.timeout,
            )
            result = connection.result or {}
            # 4: size limit exceeded, which still returns the first entries.
            if result.get("result") not in (0, 4):
                raise UpstreamUnavailableError(
                    f"The CERN directory answered {result.get('description')}."
                )
            return [
                entry.get("attributes") or {}
                for entry in connection.response or []
                if entry.get("type") == "searchResEntry"
            ]
        finally:
            with contextlib.suppress(LDAPException, OSError):
                connection.unbind()

    def search(self, base, search_filter, attributes, size_limit=None):
        """Attribute dicts of the matching entries, retrying failures."""
        size_limit = self.size_limit if size_limit is None else size_limit
        last_error = None
        for _attempt in range(self.retries + 1):
            try:
                entries = self._search_once(base, search_filter, attributes, size_limit)
                record_status("directory", True)
                return entries
            except UpstreamUnavailableError as error:
                last_error = error
            except (LDAPException, OSError, ValueError, TypeError, IndexError) as error:
                # ldap3 raises its own exceptions for network trouble and
                # decoding errors alike; malformed answers end up here too.
                if _is_timeout(error):
                    last_error = UpstreamTimeoutError(
                        f"The CERN directory did not answer within {self.timeout} s."
                    )
                else:
                    last_error = UpstreamUnavailableError(
                        f"The CERN directory could not be read: {type(error).__name__}."
                    )
        record_status("directory", False, last_error.message)
        raise last_error

    # Users
    # =====

    def _user(self, attributes):
        email = _first(attributes, "mail")
        if not email or "@" not in email:
            return None
        return {
            "email": email.lower(),
            "display_name": _first(attributes, "displayName") or email,
            "department": _first(attributes, "department"),
        }

    def lookup_user(self, email):
        """``{email, display_name, department}`` of the person, or ``None``."""
        email = _clean(email)
        entries = self.search(
            self.users_base,
            self.user_filter.format(escape_filter_chars(email)),
            USER_ATTRIBUTES,
            size_limit=2,
        )
        users = [user for user in map(self._user, entries) if user]
        return next((u for u in users if u["email"] == email.lower()), None)

    def search_users(self, prefix):
        """People whose address starts with ``prefix`` (at most ``size_limit``)."""
        prefix = _clean(prefix)
        entries = self.search(
            self.users_base,
            self.user_filter.format(escape_filter_chars(prefix) + "*"),
            USER_ATTRIBUTES,
        )
        users = {user["email"]: user for user in map(self._user, entries) if user}
        return sorted(users.values(), key=lambda user: user["email"])

    # E-groups
    # ========

    def _egroup_name(self, name_or_address):
        name = _clean(name_or_address).lower()
        suffix = f"@{self.email_domain}"
        return name[: -len(suffix)] if name.endswith(suffix) else name

    def _egroup(self, attributes):
        name = _first(attributes, "cn")
        if not name:
            return None
        return {
            "name": name.lower(),
            "email": (_first(attributes, "mail") or f"{name}@{self.email_domain}").lower(),
            "description": _first(attributes, "description") or "",
        }

    def lookup_egroup(self, name):
        """``{name, email, description}`` of the e-group (name or address), or ``None``."""
        name = self._egroup_name(name)
        entries = self.search(
            self.egroups_base,
            self.egroup_filter.format(escape_filter_chars(name)),
            EGROUP_ATTRIBUTES,
            size_limit=2,
        )
        groups = [group for group in map(self._egroup, entries) if group]
        return next((g for g in groups if g["name"] == name), None)

    def search_egroups(self, prefix):
        """E-groups whose name starts with ``prefix`` (at most ``size_limit``)."""
        prefix = self._egroup_name(prefix)
        entries = self.search(
            self.egroups_base,
            self.egroup_filter.format(escape_filter_chars(prefix) + "*"),
            EGROUP_ATTRIBUTES,
        )
        groups = {group["name"]: group for group in map(self._egroup, entries) if group}
        return sorted(groups.values(), key=lambda group: group["name"])


def _clean(value):
    value = (value or "").strip()
    if not value:
        raise InvalidRequestError("Give a non-empty query.")
    if len(value) > 256:
        raise InvalidRequestError("The query is too long.")
    # No address or e-group name holds one, and a directory server may drop
    # the connection on them (the schemathesis run found a 502 that way).
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        message = "The query holds control characters."
        raise InvalidRequestError(message, [field_error(["query"], message)])
    return value
