"""JSON answers of the API encoded with orjson.

A search page is a few tens of kilobytes of JSON, encoded on every request:
Python's encoder takes ~0.2 ms for it, orjson a tenth of that. The output
means the same as Flask's default provider: keys sorted, dates, decimals and
anything else orjson does not know go through Flask's own ``default``
(``datetime`` as an HTTP date, not orjson's ISO form), indented in debug
mode. One difference in form only: non-ASCII characters are sent as UTF-8
instead of ``\\u`` escapes. Calls that pass ``json.dumps`` options, and
values orjson refuses (integers beyond 64 bits, which JSON metadata may
hold), keep Flask's encoder.
"""

import orjson
from flask.json.provider import DefaultJSONProvider

_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME


class OrjsonProvider(DefaultJSONProvider):
    """Flask's default JSON provider with orjson's encoder."""

    def _indented(self):
        return self.compact is False or (self.compact is None and self._app.debug)

    def _encode(self, obj):
        options = _OPTIONS | (orjson.OPT_INDENT_2 if self._indented() else 0)
        try:
            return orjson.dumps(obj, default=self.default, option=options)
        except orjson.JSONEncodeError:
            layout = {"indent": 2} if self._indented() else {"separators": (",", ":")}
            return super().dumps(obj, **layout).encode()

    def dumps(self, obj, **kwargs):
        """``obj`` as a JSON string."""
        if kwargs:
            return super().dumps(obj, **kwargs)
        return self._encode(obj).decode()

    def response(self, *args, **kwargs):
        """A JSON response of ``args``/``kwargs``, as :func:`flask.jsonify` builds it."""
        obj = self._prepare_response_obj(args, kwargs)
        return self._app.response_class(self._encode(obj) + b"\n", mimetype=self.mimetype)
