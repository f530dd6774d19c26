"""DAS-style field terms in a search query: ``dataset=/SingleMuon/*/MINIAOD``.

``key=value`` terms (the value may be quoted, ``*`` and ``?`` are
wildcards) are taken out of ``q`` and become queries on the indexed fields
``CAP_SEARCH_QUERY_FIELDS`` names for the key, across every schema; what is
left is free text for the engine's query string. Every term must match
(AND), as in the free text. A bare path (a word starting with ``/``, as
pasted from DAS) is a ``dataset=`` term: the query string cannot parse it.
"""

import re

from flask import current_app
from invenio_search.engine import dsl

from ..core.errors import InvalidRequestError, field_error

FIELD_TERM = re.compile(
    r'(?:(?<=\s)|^)(?P<key>[A-Za-z_][\w.-]*)=(?P<value>"(?:[^"\\]|\\.)*"|[^\s"]*)'
)

PATH_TERM = re.compile(r'(?:(?<=\s)|^)(?P<value>/[^\s"]*)')
PATH_KEY = "dataset"


def _invalid(message):
    return InvalidRequestError(message, [field_error("q", message)])


def _unquote(value):
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def field_query(fields, value):
    """One value on several fields: wildcard when it has ``*``/``?``, else exact."""
    if "*" in value or "?" in value:
        clauses = [dsl.Q("wildcard", **{field: {"value": value}}) for field in fields]
    else:
        clauses = [dsl.Q("term", **{field: value}) for field in fields]
    if len(clauses) == 1:
        return clauses[0]
    return dsl.Q("bool", should=clauses, minimum_should_match=1)


def parse_query(q, fields=None):
    """``(free text, [field queries])`` of ``q``; an unknown key is a 400 naming it."""
    fields = current_app.config["CAP_SEARCH_QUERY_FIELDS"] if fields is None else fields
    queries, unknown = [], []

    def take(match):
        key, value = match.group("key"), _unquote(match.group("value"))
        if key not in fields:
            unknown.append(key)
        elif not value:
            raise _invalid(f"The search field '{key}' needs a value ({key}=...).")
        else:
            queries.append(field_query(fields[key], value))
        return " "

    def take_path(match):
        queries.append(field_query(fields[PATH_KEY], match.group("value")))
        return " "

    text = FIELD_TERM.sub(take, q or "")
    if PATH_KEY in fields:
        text = PATH_TERM.sub(take_path, text)
    if unknown:
        raise _invalid(
            f"Unknown search field '{unknown[0]}' in q. Known fields: {', '.join(sorted(fields))}."
        )
    text = _tidy(text)
    check_cost(text)
    return text, queries


FUZZY = re.compile(r'[^"~]~[\d.]*$')
"""A fuzzy term ends with ``~`` or ``~N`` (a phrase's ``"..."~N`` is a slop)."""


def check_cost(text):
    """Refuse free text that would keep the engine busy (400 on ``q``):
    longer than ``CAP_SEARCH_MAX_QUERY_LENGTH``, more terms than
    ``CAP_SEARCH_MAX_TERMS``, or more fuzzy/wildcard terms than
    ``CAP_SEARCH_MAX_EXPANDING_TERMS``."""
    config = current_app.config
    limit = config["CAP_SEARCH_MAX_QUERY_LENGTH"]
    if len(text) > limit:
        raise _invalid(f"The query is too long: {len(text)} characters; at most {limit}.")
    terms = [word.strip("()") for word in text.split()]
    terms = [term for term in terms if term and term not in BOOLEAN | {"NOT"}]
    limit = config["CAP_SEARCH_MAX_TERMS"]
    if len(terms) > limit:
        raise _invalid(f"The query is too complex: {len(terms)} terms; at most {limit}.")
    expanding = [term for term in terms if FUZZY.search(term) or "*" in term or "?" in term]
    limit = config["CAP_SEARCH_MAX_EXPANDING_TERMS"]
    if len(expanding) > limit:
        raise _invalid(
            f"The query is too complex: {len(expanding)} fuzzy or wildcard terms; "
            f"at most {limit}."
        )


BOOLEAN = {"AND", "OR", "&&", "||"}


def _tidy(text):
    """Free text without the operators a removed field term left dangling."""
    words = []
    for word in text.split():
        if word in BOOLEAN and (not words or words[-1] in BOOLEAN | {"NOT"}):
            continue
        words.append(word)
    while words and words[-1] in BOOLEAN | {"NOT"}:
        words.pop()
    return " ".join(words)
