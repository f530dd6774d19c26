"""Speculative search: the engine request is sent while the token is verified.

A search request first proves who asks (the token look-up, the identity),
then reads what its permission filter depends on (the schema stamp, the
grants), and only then sends its one engine request, which takes about as
long as all of that together. For views marked :func:`speculative`, a hook
that runs before the token check builds the engine request for the identity
the same token proved last time (``auth.hints``), from the schema and grant
values this process last saw (``core.last_known``), and sends it. The
request then runs as always: the token is verified, the state is read and
the engine request is built again for the verified identity. Only if that
request is identical (same index, body and parameters) is the speculative
answer read and used (:meth:`PendingSearch.answer_for`); otherwise it is
dropped unread and the request goes to the engine as usual. So an answer
is never one the verified request would not have got, and a request whose
token fails gets none.

Building the engine request costs about as much as sending it. So the
request a token's search of the same view with the same arguments was last
verified to need is kept (:data:`MAX_GUESSES` of them, by digest, the least
recently used dropped first) and sent as it is, without building; it is
checked like any other, and a token without a hint gets none. The view
also keeps notes per token (:attr:`PendingSearch.notes`: the users its
answers named lately), which its ``recall`` turns, before the next token
check, into reads that ride along with it (``core.read_along``). Those
are guesses too: the view reads whatever an answer needs and was not read
along.

The request is written to a connection of its own and its answer read only
when needed: the engine works while this thread checks the token, and
nothing runs in another thread (a thread would have to win the interpreter
lock back from the token check to send, and again to read). The connection
is made by the search client's own connection pool (same host, TLS and
timeouts) and sent the client's headers. Anything other than a 200 answer
read in full (an engine error, a timeout, a refused connection) is left to
the normal path, which sends the request again through the search client
and its error handling.
"""

import hashlib
import os
from collections import OrderedDict
from http.client import HTTPException
from threading import Lock
from urllib.parse import urlencode
from weakref import WeakKeyDictionary

import orjson
from flask import current_app, g, request
from invenio_search import current_search_client

from ..auth.hints import hinted_identity, presented_token
from ..core.errors import InvalidRequestError, PermissionDeniedError
from ..core.last_known import NotKnown, last_known

_PENDING = "cap_pending_search"

_idle = WeakKeyDictionary()  # the client's urllib3 pool -> (pid, its idle connections)
_idle_lock = Lock()

MAX_GUESSES = 1_000
_guesses = OrderedDict()  # digest of (token, view, arguments) -> the engine request verified
_notes = OrderedDict()  # digest of the token -> the views' notes (as many tokens as guesses)
_kept_lock = Lock()


class PendingSearch:
    """An engine request sent ahead on its own connection, its answer unread."""

    def __init__(self, engine_request, pool, connection, guess_key=None, notes=None):
        """``engine_request``: keyword arguments of the search client's ``search``;
        ``guess_key``: where the verified request is kept for next time;
        ``notes``: the token's notes (a dict the view may change)."""
        self.engine_request = engine_request
        self._pool = pool
        self._connection = connection
        self._guess_key = guess_key
        self.notes = {} if notes is None else notes

    def answer_for(self, engine_request):
        """The engine's answer if ``engine_request`` is the one sent ahead and
        it was answered with a 200; otherwise ``None`` (send it as usual)."""
        if self._guess_key is not None:
            _keep(_guesses, self._guess_key, engine_request)
        connection, self._connection = self._connection, None
        if connection is None:
            return None
        if engine_request != self.engine_request:
            connection.close()  # the answer is never read
            return None
        try:
            response = connection.getresponse()
            data = response.data
        except (OSError, HTTPException, ValueError):
            connection.close()
            return None
        _put_idle(self._pool, connection)
        return orjson.loads(data) if response.status == 200 else None

    def discard(self):
        """Drop an answer nobody asked for (the request ended before its search)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def speculative(build, recall=None):
    """Mark a search view: ``build(identity)`` gives the engine request the
    view's search would send for ``identity`` (keyword arguments);
    ``recall(notes)``, before the token check, is given the notes the view
    kept for the token (:attr:`PendingSearch.notes`)."""

    def mark(view):
        view.cap_speculative_search = build
        view.cap_speculative_recall = recall
        return view

    return mark


def take():
    """The current request's :class:`PendingSearch`, or ``None`` (once)."""
    return g.pop(_PENDING, None)


def _connections(pool):
    """The pool's idle connections made by this process (none inherited by a fork)."""
    pid, connections = _idle.get(pool, (None, None))
    if pid != os.getpid():
        connections = []
        _idle[pool] = (os.getpid(), connections)
    return connections


def _get_idle(pool):
    with _idle_lock:
        connections = _connections(pool)
        return connections.pop() if connections else None


def _put_idle(pool, connection):
    with _idle_lock:
        _connections(pool).append(connection)


def _digest(*values):
    return hashlib.sha256(repr(values).encode()).digest()


def _keep(kept, key, value, replace=True):
    """Put ``value`` (or, not ``replace``-ing, leave the one there) as the most
    recently used of ``kept``, dropping the least recently used beyond
    :data:`MAX_GUESSES`; the value kept."""
    with _kept_lock:
        if replace or key not in kept:
            kept[key] = value
        kept.move_to_end(key)
        if len(kept) > MAX_GUESSES:
            kept.popitem(last=False)
        return kept[key]


def _send(engine_request):
    """Write the search to a connection; ``(pool, connection)``, or ``None``
    when the client's connection is not one this module can speak for."""
    client_connection = current_search_client.transport.get_connection()
    pool = getattr(client_connection, "pool", None)
    if pool is None or client_connection.http_compress or callable(client_connection.http_auth):
        return None
    params = {key: value for key, value in engine_request.items() if key not in ("index", "body")}
    url = f"{client_connection.url_prefix}/{engine_request['index']}/_search"
    if params:
        url = f"{url}?{urlencode(params)}"
    connection = _get_idle(pool) or pool._new_conn()  # the pool's host, TLS and timeouts
    try:
        connection.request("POST", url, body=orjson.dumps(engine_request["body"]),
                           headers=client_connection.headers)
    except (OSError, HTTPException):
        connection.close()
        return None
    return pool, connection


def _start():
    """``before_request``: send a marked view's search ahead, when its token has a hint."""
    if request.method != "GET" or not current_app.config["CAP_SEARCH_SPECULATE"]:
        return
    view = current_app.view_functions.get(request.endpoint)
    build = getattr(view, "cap_speculative_search", None)
    token_value = presented_token() if build else None
    identity = hinted_identity(token_value) if token_value else None
    if identity is None:
        return
    guess_key = _digest(token_value, request.endpoint, sorted(request.args.items(multi=True)))
    engine_request = _guesses.get(guess_key)
    if engine_request is None:
        try:
            with last_known():
                engine_request = build(identity)
        except (NotKnown, InvalidRequestError, PermissionDeniedError):
            return  # nothing to go on yet, or a request the view itself will refuse
    sent = _send(engine_request)
    if sent is None:
        return
    notes = _keep(_notes, _digest(token_value), {}, replace=False)
    if notes and view.cap_speculative_recall is not None:
        view.cap_speculative_recall(notes)
    g.setdefault(_PENDING, PendingSearch(engine_request, *sent, guess_key=guess_key, notes=notes))


def _discard(exception=None):
    pending = take()
    if pending is not None:
        pending.discard()


def install(app):
    """Send marked views' searches ahead of the token check (first ``before_request``)."""
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.teardown_request(_discard)
