"""DAS-style dataset queries turned into search engine queries.

Accepted, as ``dasgoclient`` users type them (case-insensitive)::

    /SingleMuon/*/MINIAOD          a pattern: ``*`` matches anything
    dataset=/SingleMuon/*/MINIAOD  the same, DAS style (``dataset dataset=...`` too)
    /SingleMuon/Run2016            no ``*``: names starting with it (autocomplete)
    SingleMuon 2016 MINIAOD        words: names containing every word
    primary_dataset=SingleMu* tier=MINIAOD year=2016   field filters
    status=*                       accepted and ignored (every listed name counts)
"""

import re

from ...core.errors import InvalidRequestError, field_error

FIELDS = {
    "dataset": "name.lower",
    "primary_dataset": "primary_dataset.lower",
    "processed_dataset": "processed_dataset.lower",
    "tier": "tier.lower",
    "datatier": "tier.lower",
}
IGNORED = {"status"}
MAX_QUERY = 500


def _escape(text):
    """``text`` with the wildcard syntax's own ``?`` and ``\\`` made literal."""
    return re.sub(r"([?\\])", r"\\\1", text)


def _pattern(value, prefix_when_plain):
    value = value.lower()
    if "*" in value:
        return _escape(value)
    return _escape(value) + "*" if prefix_when_plain else _escape(value)


def _invalid(message, field="query"):
    return InvalidRequestError(message, [field_error(field, message)])


def parse(text):
    """Search-engine ``filter`` clauses for a DAS-style query (``[]``: everything)."""
    text = (text or "").strip()
    if len(text) > MAX_QUERY:
        raise _invalid(f"The query is longer than {MAX_QUERY} characters.")
    tokens = text.split()
    if tokens and tokens[0].lower() == "dataset" and len(tokens) > 1:
        tokens = tokens[1:]  # "dataset dataset=/A/B/C" is the full DAS form
    clauses = []
    for token in tokens:
        key, sep, value = token.partition("=")
        if sep:
            key = key.lower()
            if key in IGNORED:
                continue
            if key == "year":
                if not value.isdigit():
                    raise _invalid(f"year must be a number, not {value!r}.")
                clauses.append({"term": {"year": int(value)}})
                continue
            if key not in FIELDS:
                known = ", ".join(sorted([*FIELDS, "year", *IGNORED]))
                raise _invalid(f"Unknown key {key!r}: use {known}.")
            if not value:
                raise _invalid(f"Give a value after {key}=.")
            plain_prefix = key == "dataset" and value.startswith("/")
            clauses.append({"wildcard": {FIELDS[key]: {"value": _pattern(value, plain_prefix)}}})
        elif token.startswith("/"):
            clauses.append({"wildcard": {"name.lower": {"value": _pattern(token, True)}}})
        else:
            word = _escape(token.lower()).strip("*")
            if word:
                clauses.append({"wildcard": {"name.lower": {"value": f"*{word}*"}}})
    return clauses
