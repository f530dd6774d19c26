"""What every fake HTTP upstream shares: its state, a thread to serve it, a log.

A fake answers through ``answer(request)``; tests switch ``mode`` to make it
misbehave (down, flaky, slow, garbage ...) and read ``calls``.
"""

import threading

from werkzeug.serving import make_server
from werkzeug.wrappers import Request


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
        """Stop serving."""
        self.server.shutdown()

    def wsgi(self, environ, start_response):
        """Log and answer one request."""
        request = Request(environ)
        self.calls.append(request.full_path)
        return self.answer(request)(environ, start_response)

    def answer(self, request):
        """The response to ``request`` (subclasses say what it is)."""
        raise TypeError(f"{type(self).__name__} must define answer()")
