"""The API's JSON encoder (orjson) says what Flask's default encoder says."""

import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask import jsonify
from flask.json.provider import DefaultJSONProvider

from cap.modules.core.json import OrjsonProvider

SAMPLE = {
    "title": "Mesure de la section efficace — ττ",
    "created": datetime(2026, 11, 24, 13, 5, 7, tzinfo=UTC),
    "day": date(2026, 11, 24),
    "weight": Decimal("1.25"),
    "id": uuid.UUID("0b9b3c4e-8f0e-4c3a-9d5e-2f4b8f1f6a10"),
    "counts": {2: "two", 1: "one"},
    "nested": [{"z": None, "a": [1, 2.5, True]}],
}


@pytest.fixture
def providers(app):
    return OrjsonProvider(app), DefaultJSONProvider(app)


def test_same_meaning_as_flask(providers):
    ours, flasks = providers
    assert json.loads(ours.dumps(SAMPLE)) == json.loads(flasks.dumps(SAMPLE))


def test_dates_are_http_dates_as_in_flask(providers):
    ours, _ = providers
    assert json.loads(ours.dumps({"d": SAMPLE["created"]})) == {
        "d": "Tue, 24 Nov 2026 13:05:07 GMT"}


def test_keys_sorted_and_compact(providers):
    ours, _ = providers
    assert ours.dumps({"b": 1, "a": [1, 2]}) == '{"a":[1,2],"b":1}'


def test_integers_beyond_64_bits_fall_back_to_flask(providers):
    ours, flasks = providers
    assert ours.dumps({"n": 2**70}) == flasks.dumps({"n": 2**70}, separators=(",", ":"))


def test_unknown_types_are_refused_as_flask_refuses_them(providers):
    ours, flasks = providers
    with pytest.raises(TypeError):
        flasks.dumps({"x": object()})
    with pytest.raises(TypeError):
        ours.dumps({"x": object()})


def test_json_options_keep_flasks_encoder(providers):
    ours, _ = providers
    assert ours.dumps({"é": 1}, ensure_ascii=True) == '{"\\u00e9": 1}'


def test_api_answers_go_through_it(app):
    assert isinstance(app.json, OrjsonProvider)
    with app.test_request_context():
        response = jsonify({"title": "ττ", "a": 1})
    # UTF-8 as sent by orjson (Flask's encoder would send \u03c4 escapes).
    assert response.data == '{"a":1,"title":"ττ"}\n'.encode()
    assert response.mimetype == "application/json"


def test_debug_mode_indents(app, monkeypatch):
    monkeypatch.setattr(app, "debug", True)
    with app.test_request_context():
        text = jsonify({"a": {"b": 1}}).get_data(as_text=True)
    assert text == '{\n  "a": {\n    "b": 1\n  }\n}\n'
    assert json.loads(text) == {"a": {"b": 1}}
