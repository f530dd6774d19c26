"""``core.last_known``: a block where caches answer from what they last saw."""

import pytest

from cap.modules.core import last_known


def test_active_only_inside_and_undone_in_reverse_even_on_error():
    done = []
    assert not last_known.active()
    with pytest.raises(RuntimeError), last_known.last_known():
        assert last_known.active()
        last_known.on_exit(lambda: done.append("first"))
        last_known.on_exit(lambda: done.append("second"))
        raise RuntimeError("fails inside")
    assert done == ["second", "first"]
    assert not last_known.active()
