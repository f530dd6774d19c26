"""int_arg: absent takes the default; present must be an integer in bounds."""

import pytest

from cap.modules.core.args import int_arg
from cap.modules.core.errors import InvalidRequestError


def test_absent_takes_the_default_and_numbers_pass():
    assert int_arg("size", None, 10, 1, 100) == 10
    assert int_arg("size", "1", 10, 1, 100) == 1
    assert int_arg("size", "100", 10, 1, 100) == 100
    assert int_arg("page", "7000", 1, 1) == 7000


@pytest.mark.parametrize(("value", "maximum", "message"), [
    ("", 100, "size is empty: give an integer between 1 and 100, or leave size out."),
    ("  ", None, "size is empty: give an integer at least 1, or leave size out."),
    ("ten", 100, "size must be an integer."),
    ("1.5", 100, "size must be an integer."),
    ("0", 100, "size must be between 1 and 100."),
    ("101", 100, "size must be between 1 and 100."),
    ("-3", None, "size must be at least 1."),
])
def test_anything_else_is_refused_naming_the_argument(value, maximum, message):
    with pytest.raises(InvalidRequestError) as raised:
        int_arg("size", value, 10, 1, maximum)
    assert raised.value.errors == [{"field": ["size"], "message": message}]
