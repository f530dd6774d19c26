"""Schema-derived values inside ``core.last_known``: no stamp read, nothing built."""

import pytest

from cap.modules.core.last_known import NotKnown, last_known
from cap.modules.schemas import api


def test_values_of_the_last_stamp_are_given_without_a_statement(app, db, schemas,
                                                               recorded_statements):
    with app.test_request_context():
        value = api.cached("last-known-test", lambda: ["built"])
    with app.test_request_context(), recorded_statements() as seen, last_known():
        assert api.cached("last-known-test", lambda: ["built again"]) is value
        with pytest.raises(NotKnown):
            api.cached("never-built", lambda: ["built"])
    assert seen == []


def test_nothing_known_after_a_change_in_this_process(app, db, schemas, monkeypatch):
    with app.test_request_context():
        api.cached("last-known-test", lambda: ["built"])
    monkeypatch.setattr(api, "_derived", [None, {}])  # as after a flush of a schema row
    with app.test_request_context(), last_known(), pytest.raises(NotKnown):
        api.cached("last-known-test", lambda: ["built"])
