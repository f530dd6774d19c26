"""ROR API (v2) client: organisations by name, one organisation by id.

Mapped to what forms need: ``{id, ror, name, acronyms, aliases, country,
country_code, city, types, website}``. Malformed items are skipped.
"""

import logging
import re

from ..core.errors import InvalidRequestError, UpstreamUnavailableError, field_error
from .lookup import LookupClient

logger = logging.getLogger(__name__)


ROR_ID = re.compile(r"^(?:https?://ror\.org/)?(0[a-hj-km-np-tv-z0-9]{6}[0-9]{2})$")


def normalize_ror(value, field="id"):
    """``02mhbdp94`` from a ROR id or its URL; 400 when not a ROR id."""
    match = ROR_ID.match((value or "").strip().lower())
    if not match:
        message = f"{value!r} is not a ROR id (e.g. 01ggx4157)."
        raise InvalidRequestError(message, [field_error(field, message)])
    return match.group(1)


def _names(org, kind):
    return [
        n["value"]
        for n in org.get("names") or []
        if isinstance(n, dict)
        and isinstance(n.get("value"), str)
        and kind in (n.get("types") or [])
    ]


def map_organization(org):
    """An organisation of the v2 API, or ``None`` when malformed."""
    if not isinstance(org, dict) or not isinstance(org.get("id"), str):
        return None
    match = ROR_ID.match(org["id"].strip().lower())
    if not match:
        return None
    names = org.get("names")
    if not isinstance(names, list):
        return None
    display = (_names(org, "ror_display") or _names(org, "label") or [None])[0]
    if not display:
        return None
    location = next((loc for loc in org.get("locations") or [] if isinstance(loc, dict)), {})
    geo = location.get("geonames_details")
    geo = geo if isinstance(geo, dict) else {}
    website = next(
        (
            link.get("value")
            for link in org.get("links") or []
            if isinstance(link, dict) and link.get("type") == "website"
        ),
        None,
    )
    types = org.get("types") if isinstance(org.get("types"), list) else []
    return {
        "id": match.group(1),
        "ror": f"https://ror.org/{match.group(1)}",
        "name": display,
        "acronyms": _names(org, "acronym"),
        "aliases": _names(org, "alias"),
        "country": geo.get("country_name"),
        "country_code": geo.get("country_code"),
        "city": geo.get("name"),
        "types": [t for t in types if isinstance(t, str)],
        "status": org.get("status"),
        "website": website,
    }


class RORClient(LookupClient):
    """Look-ups on the ROR API (v2)."""

    source = "ror"

    def search(self, query):
        """Organisations matching ``query`` (first page, at most ``rows``)."""
        return self.cached_search(query, "query", self._search)

    def _search(self, query):
        answer = self.http.get_json("organizations", {"query": query})
        items = answer.get("items") if isinstance(answer, dict) else None
        if not isinstance(items, list):
            raise UpstreamUnavailableError("ROR answered a search we cannot read.")
        found = []
        for item in items:
            org = map_organization(item)
            if org is None:
                logger.warning("ROR: skipped a malformed item: %.200r", item)
                continue
            found.append(org)
            if len(found) >= self.rows:
                break
        return found

    def get(self, ror_id):
        """One organisation; :class:`NotFoundError` when ROR does not know it."""
        ror_id = normalize_ror(ror_id)
        return self.cached("organization", lambda: self._get(ror_id), ror_id)

    def _get(self, ror_id):
        org = map_organization(self.http.get_json(f"organizations/{ror_id}"))
        if org is None:
            raise UpstreamUnavailableError("ROR answered an organisation we cannot read.")
        return org
