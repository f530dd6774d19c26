"""Identity hints: what a token proved on its last request to this process.

A search is sent to the engine while its token is still being verified
(``search.speculation``); to build it, the identity the token will prove is
guessed: the one it proved last time. A hint grants nothing. Work started
from it is used only if the same work, done again for the verified
identity, is identical; a token that fails verification loses its hint.
Tokens are kept as SHA-256 digests, at most ``MAX_HINTS`` of them (the
least recently verified go first).
"""

import hashlib
from collections import OrderedDict
from threading import Lock

from flask import request
from flask_principal import Identity

MAX_HINTS = 10_000

_hints = OrderedDict()
_lock = Lock()


def _digest(token_value):
    return hashlib.sha256(token_value.encode()).digest()


def presented_token():
    """The token value of the current request (bearer header, or ``access_token``
    as oauthlib also takes it), or ``None``."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.args.get("access_token") or None


def remember(token_value, identity):
    """The identity ``token_value`` has just proved (its needs as loaded)."""
    key = _digest(token_value)
    with _lock:
        _hints[key] = (identity.id, identity.auth_type, frozenset(identity.provides))
        _hints.move_to_end(key)
        if len(_hints) > MAX_HINTS:
            _hints.popitem(last=False)


def forget(token_value):
    """Drop the hint of a token that failed verification."""
    with _lock:
        _hints.pop(_digest(token_value), None)


def hinted_identity(token_value=None):
    """The identity ``token_value`` (by default the current request's token)
    proved last time, or ``None``."""
    token_value = token_value or presented_token()
    hint = _hints.get(_digest(token_value)) if token_value else None
    if hint is None:
        return None
    user_id, auth_type, provides = hint
    identity = Identity(user_id, auth_type)
    identity.provides.update(provides)
    return identity
