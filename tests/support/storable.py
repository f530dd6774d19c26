"""Which generated documents PostgreSQL can store as they are."""

import json


def numbers(value):
    """Every float in ``value``, at any depth."""
    if isinstance(value, dict):
        for item in value.values():
            yield from numbers(item)
    elif isinstance(value, list):
        for item in value:
            yield from numbers(item)
    elif isinstance(value, float):
        yield value


def storable(document):
    """PostgreSQL's JSONB refuses ``\\u0000`` (a 400 elsewhere) and keeps numbers as
    exact decimals: a float past 2**53 comes back as the integer it spells."""
    return "\\u0000" not in json.dumps(document) and all(
        abs(number) < 2**53 for number in numbers(document))
