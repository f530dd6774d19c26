"""The one check of JSON bodies and stored documents (cap.modules.core.body)."""

import pytest

from cap.modules.core.body import check_json, load_json
from cap.modules.core.errors import InvalidRequestError


def nested(levels):
    value = "leaf"
    for _ in range(levels):
        value = {"a": value}
    return value


def fields(error):
    return [item["field"] for item in error.errors]


def test_depth_limit_names_where_it_is_reached(app):
    limit = app.config["CAP_JSON_MAX_DEPTH"]
    check_json(nested(limit))
    with pytest.raises(InvalidRequestError) as raised:
        check_json({"x": [nested(limit)]})
    assert fields(raised.value) == [["x", "0"] + ["a"] * (limit - 2)]
    # Far deeper than Python's recursion: still a 400, not a RecursionError.
    with pytest.raises(InvalidRequestError):
        load_json("[" * 100000 + "]" * 100000)


def test_unstorable_characters_in_values_and_keys(app):
    check_json({"emoji": "\U0001f600", "accents": "résumé"})
    assert load_json('"\\ud83d\\ude00"') == "\U0001f600"  # a pair is one character
    for document, field in (({"a": ["ok", "x\x00"]}, ["a", "1"]),
                            ({"a": {"b\ud800": 1}}, ["a", "b\ud800"]),
                            ({"a": "\udc00"}, ["a"])):
        with pytest.raises(InvalidRequestError) as raised:
            check_json(document)
        assert fields(raised.value) == [field]
