"""From a raw CADI analysis to the cms-analysis ``cadi_info`` shape.

All or nothing: an item with any unusable field raises
:class:`MalformedAnalysis` (with the reason) and nothing of it is kept.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlparse

CADI_ID = re.compile(r"^[A-Z0-9]{3}-\d{2}-\d{3}$")
CADI_ID_PREFIX = re.compile(r"[A-Z0-9-]*")
"""What the start of a CADI id can hold (to be fully matched)."""
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")

# CADI key -> cadi_info key (text fields).
TEXT_FIELDS = {
    "name": "name",
    "description": "description",
    "PAS": "pas",
    "PAPER": "paper",
    "contact": "contact",
    "creatorName": "creator",
    "status": "status",
    "publicationStatus": "publication_status",
    "awg": "awg",
    "conference": "conference",
    "relatedNotes": "related_notes",
}
URL_FIELDS = {"URL": "twiki", "hepData": "hepData"}
DATE_FIELDS = {"creationDate": "created", "updateDate": "updated"}
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%d/%m/%Y", "%d-%b-%Y")


class MalformedAnalysis(ValueError):
    """A CADI item CAP cannot use; ``code`` is its id when readable."""

    def __init__(self, code, reason):
        """Keep the item's code (or ``None``) and the reason."""
        super().__init__(f"{code or '<no code>'}: {reason}")
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class Analysis:
    """One parsed CADI analysis."""

    cadi_id: str
    status: str
    cadi_info: dict
    contact_email: str | None

    @property
    def working_group(self):
        """The group part of the code (``EXO`` of ``EXO-19-001``)."""
        return self.cadi_id.split("-", 1)[0]


def parse_date(value):
    """An ISO 8601 date (or date-time) from what CADI sends; ``ValueError`` if none."""
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
        for fmt in DATE_FORMATS:
            try:
                parsed = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        if parsed is None:
            raise ValueError(f"{value!r} is not a date") from None
    if (parsed.hour, parsed.minute, parsed.second, parsed.microsecond) == (0, 0, 0, 0):
        return parsed.date().isoformat()
    return parsed.replace(microsecond=0).isoformat()


def _is_url(value):
    parsed = urlparse(value)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc) and " " not in value


def parse_analysis(item):
    """The :class:`Analysis` of a raw item; :class:`MalformedAnalysis` otherwise."""
    if not isinstance(item, dict):
        raise MalformedAnalysis(None, "the item is not an object")
    code = item.get("code")
    if not isinstance(code, str) or not CADI_ID.match(code.strip()):
        raise MalformedAnalysis(
            code if isinstance(code, str) else None,
            "code: expected a CADI id like EXO-19-001",
        )
    code = code.strip()
    info = {}
    for source, target in TEXT_FIELDS.items():
        value = item.get(source)
        if value is None:
            continue
        if not isinstance(value, str):
            raise MalformedAnalysis(code, f"{source}: expected text, got {type(value).__name__}")
        if value.strip():
            info[target] = value.strip()
    for source, target in URL_FIELDS.items():
        value = item.get(source)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if not isinstance(value, str) or not _is_url(value.strip()):
            raise MalformedAnalysis(code, f"{source}: {value!r} is not an http(s) URL")
        info[target] = value.strip()
    for source, target in DATE_FIELDS.items():
        value = item.get(source)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if not isinstance(value, str):
            raise MalformedAnalysis(code, f"{source}: expected a date, got {type(value).__name__}")
        try:
            info[target] = parse_date(value)
        except ValueError as error:
            raise MalformedAnalysis(code, f"{source}: {error}") from None
    if "status" not in info:
        raise MalformedAnalysis(code, "status: missing")
    if "name" not in info:
        raise MalformedAnalysis(code, "name: missing")
    email = EMAIL.search(info.get("contact", ""))
    return Analysis(
        cadi_id=code,
        status=info["status"],
        cadi_info=info,
        contact_email=email.group(0).lower() if email else None,
    )


def is_skipped(analysis, statuses):
    """Whether the analysis' status is one that is never synced."""
    wanted = {status.lower() for status in statuses}
    return analysis.status.lower() in wanted
