"""ORCID public API client: people by name, one person by iD.

Mapped to what forms need: ``{id, name, given_names, family_name,
affiliations, emails, url}``. Malformed items of a search are skipped.
"""

import logging
import re

from ..core.errors import InvalidRequestError, UpstreamUnavailableError, field_error
from .lookup import LookupClient

logger = logging.getLogger(__name__)


ORCID_ID = re.compile(r"^(?:https?://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$")
# Characters with a meaning in ORCID's Solr query syntax.
_SOLR_SPECIAL = re.compile(r'([+\-!(){}\[\]^"~*?:\\/&|])')


def checksum_ok(orcid):
    """ISO 7064 11,2 check digit of an ORCID iD."""
    digits = orcid.replace("-", "")
    total = 0
    for char in digits[:-1]:
        total = (total + int(char)) * 2
    check = (12 - total % 11) % 11
    return digits[-1] == ("X" if check == 10 else str(check))


def normalize_orcid(value, field="id"):
    """``0000-0002-1825-0097`` from an iD or its URL; 400 when not a valid iD."""
    match = ORCID_ID.match((value or "").strip().upper().replace("HTTPS://ORCID.ORG/", ""))
    if not match or not checksum_ok(match.group(1)):
        message = f"{value!r} is not an ORCID iD (0000-0000-0000-000X)."
        raise InvalidRequestError(message, [field_error(field, message)])
    return match.group(1)


def _text(value):
    """A stripped string, or ``None``; ORCID wraps values as ``{"value": ...}``."""
    if isinstance(value, dict):
        value = value.get("value")
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _strings(value):
    if not isinstance(value, list):
        return []
    return [text for text in (_text(item) for item in value) if text]


def map_search_item(item):
    """A person of ``expanded-search``, or ``None`` when malformed."""
    if not isinstance(item, dict):
        return None
    orcid = item.get("orcid-id")
    if not isinstance(orcid, str) or not ORCID_ID.match(orcid):
        return None
    given, family = _text(item.get("given-names")), _text(item.get("family-names"))
    credit = _text(item.get("credit-name"))
    name = credit or " ".join(part for part in (given, family) if part)
    if not name:
        return None
    return {
        "id": orcid,
        "name": name,
        "given_names": given,
        "family_name": family,
        "affiliations": _strings(item.get("institution-name")),
        "emails": _strings(item.get("email")),
        "url": f"https://orcid.org/{orcid}",
    }


def map_person(orcid, person):
    """A person of ``/<id>/person``; a private name gives ``name: None``."""
    if not isinstance(person, dict):
        return None
    name = person.get("name") if isinstance(person.get("name"), dict) else {}
    given, family = _text(name.get("given-names")), _text(name.get("family-name"))
    credit = _text(name.get("credit-name"))
    emails = person.get("emails") if isinstance(person.get("emails"), dict) else {}
    email_list = emails.get("email") if isinstance(emails.get("email"), list) else []
    other = person.get("other-names") if isinstance(person.get("other-names"), dict) else {}
    other_list = other.get("other-name") if isinstance(other.get("other-name"), list) else []
    return {
        "id": orcid,
        "name": credit or " ".join(p for p in (given, family) if p) or None,
        "given_names": given,
        "family_name": family,
        "other_names": _values(other_list, "content"),
        "emails": _values(email_list, "email"),
        "url": f"https://orcid.org/{orcid}",
    }


def _values(items, key):
    """The texts under ``key`` of the dict items of a list."""
    texts = (_text(item.get(key)) for item in items if isinstance(item, dict))
    return [text for text in texts if text]


def solr_escape(text):
    """``text`` with Solr operators escaped (a name, not a query)."""
    return _SOLR_SPECIAL.sub(r"\\\1", text)


class ORCIDClient(LookupClient):
    """Look-ups on the ORCID public API (JSON)."""

    source = "orcid"

    def search(self, name):
        """People whose name matches ``name`` (at most ``rows``)."""
        return self.cached_search(name, "name", self._search)

    def _search(self, name):
        terms = " AND ".join(solr_escape(term) + "*" for term in name.split())
        answer = self.http.get_json(
            "expanded-search/", {"q": f"given-and-family-names:({terms}) OR other-names:({terms})",
                                 "rows": self.rows, "start": 0},
        )
        items = answer.get("expanded-result") if isinstance(answer, dict) else None
        people = []
        for item in items or []:
            person = map_search_item(item)
            if person is None:
                logger.warning("ORCID: skipped a malformed search item: %.200r", item)
                continue
            people.append(person)
        return people

    def get(self, orcid):
        """One person by iD; :class:`NotFoundError` when ORCID does not know it."""
        orcid = normalize_orcid(orcid)
        return self.cached("person", lambda: self._get(orcid), orcid)

    def _get(self, orcid):
        person = map_person(orcid, self.http.get_json(f"{orcid}/person"))
        if person is None:
            raise UpstreamUnavailableError("ORCID answered a person record we cannot read.")
        return person
