"""Small reads that ride along with a request's token look-up.

Every token-authenticated API request starts with one SQL statement, the
token look-up (``auth.oauth``). Values the request reads next, and that the
database finds in microseconds, are added to that statement as more columns
instead of costing a round trip each:

- :func:`register`: read along with every look-up (the schema table's stamp);
- :func:`expect`: read along with this request's look-up only, when it can
  be guessed before the token is checked what the request will read (the
  users a search's answer will name: those the token's answers named lately).

Each value is put in ``request.environ`` under the key it was asked with.
Whoever asked looks there first and reads the value itself when it is not
there (a request with no token look-up).
"""

from flask import has_request_context, request

_EXPECTED = "cap.read_along.expected"

_registered = {}  # request.environ key -> SQL expression, read along with every look-up


def register(environ_key, expression):
    """Read ``expression`` (a scalar SQLAlchemy expression) along with every
    token look-up, into ``request.environ[environ_key]``."""
    _registered[environ_key] = expression


def expect(environ_key, expression, parameters):
    """Read ``expression`` along with this request's token look-up, with its
    bound ``parameters``, into ``request.environ[environ_key]``."""
    request.environ.setdefault(_EXPECTED, {})[environ_key] = (expression, parameters)


def expected(environ_key):
    """The parameters ``environ_key`` was expected with in this request, or ``None``."""
    entry = request.environ.get(_EXPECTED, {}).get(environ_key)
    return entry[1] if entry else None


def reads():
    """``(((environ key, expression), ...), parameters)`` of the coming look-up."""
    expected_here = request.environ.get(_EXPECTED, {}) if has_request_context() else {}
    items = (*_registered.items(),
             *((key, expression) for key, (expression, _) in expected_here.items()))
    parameters = {name: value for _, bound in expected_here.values()
                  for name, value in bound.items()}
    return items, parameters
