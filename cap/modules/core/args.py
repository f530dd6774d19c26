"""Numbers in query arguments (``size``, ``page``), read alike by every endpoint.

Absent, a number takes its default. Present, it must be an integer within
bounds, and empty (``?size=``) is no exception: a client that sends the
parameter means a value, and a silent default would hide its mistake
(invenio-records-resources' search arguments refuse it the same way).
"""

from .errors import InvalidRequestError, field_error


def _invalid(name, message):
    return InvalidRequestError(message, [field_error(name, message)])


def int_arg(name, value, default, minimum, maximum=None):
    """``value`` of query argument ``name`` as an int from ``minimum`` to
    ``maximum``; ``default`` when absent (``None``); a 400 naming ``name``
    otherwise."""
    if value is None:
        return default
    bound = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
    if not str(value).strip():
        raise _invalid(name, f"{name} is empty: give an integer {bound}, or leave {name} out.")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise _invalid(name, f"{name} must be an integer.") from None
    if number < minimum or (maximum is not None and number > maximum):
        raise _invalid(name, f"{name} must be {bound}.")
    return number
