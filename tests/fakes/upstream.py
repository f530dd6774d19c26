"""What every fake HTTP upstream shares: its state, a thread to serve it, a log.

A fake answers through ``answer(request)``; tests switch ``mode`` to make it
misbehave (down, flaky, slow, garbage ...) and read ``calls``.
"""

import contextlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from werkzeug.serving import make_server
from werkzeug.wrappers import Request


class StateFile:
    """A demo fake's state kept across restarts, as a real service keeps its own.

    ``path`` ``None``: nothing is kept (the tests' fakes). A crash mid-write
    keeps the previous file.
    """

    def __init__(self, path=None):
        """Keep nothing until written."""
        self.path = Path(path) if path else None
        self._lock = threading.Lock()

    def load(self):
        """The kept state, ``{}`` when none."""
        if self.path is None or not self.path.exists():
            return {}
        return json.loads(self.path.read_text(encoding="utf-8"))

    def save(self, state):
        """Write ``state`` (JSON-able) in place of the kept one."""
        if self.path is None:
            return
        with self._lock:  # requests are served in threads
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_name(self.path.name + ".partial")
            partial.write_text(json.dumps(state, indent=1), encoding="utf-8")
            partial.replace(self.path)


class FakeUpstream:
    """A WSGI fake on a free loopback port; ``base_path`` ends its base URL."""

    base_path = ""

    def __init__(self):
        """Normal behaviour until told otherwise."""
        self.mode = "normal"
        self.delay = 3.0
        self.flaky_failures = 1
        self.calls = []
        self.server = None

    def reset(self):
        """Back to normal, calls forgotten."""
        self.mode, self.calls, self.flaky_failures = "normal", [], 1

    def start(self, port=0):
        """Serve in a thread on ``port`` (0: a free one); returns the base URL."""
        self.server = make_server("127.0.0.1", port, self.wsgi, threaded=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_port}{self.base_path}"

    def stop(self):
        """Stop serving and free the port (a restarted fake may take it again)."""
        self.server.shutdown()
        self.server.server_close()

    def wsgi(self, environ, start_response):
        """Log and answer one request."""
        request = Request(environ)
        self.calls.append(request.full_path)
        return self.answer(request)(environ, start_response)

    def answer(self, request):
        """The response to ``request`` (subclasses say what it is)."""
        raise TypeError(f"{type(self).__name__} must define answer()")


class JSONHandler(BaseHTTPRequestHandler):
    """A quiet ``http.server`` handler answering JSON (or given bytes)."""

    def log_message(self, *args):
        """Tests read the fake's own request log instead."""

    def _send(self, status, body, content_type="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(data)


class ServedFake:
    """A fake served by ``http.server`` on a loopback port, in a thread.

    Subclasses say what their state is (``reset``) and how they answer
    (``_handler``: a :class:`JSONHandler` class bound to the fake).
    """

    def __init__(self, port=0):
        """Fresh state, served on ``port`` (0: a free one)."""
        self.reset()
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def reset(self):
        """Back to the fake's initial state (subclasses say what it is)."""
        raise TypeError(f"{type(self).__name__} must define reset()")

    def _handler(self):
        raise TypeError(f"{type(self).__name__} must define _handler()")

    def stop(self):
        """Shut the server down."""
        self.server.shutdown()
        self.server.server_close()
