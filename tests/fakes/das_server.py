"""A fake host of the DAS dataset list on 127.0.0.1 (what a cron job would publish).

``/datasets.txt`` streams ``lines`` (one dataset name a line, as
``dasgoclient -query="dataset status=*"`` prints them), ``/datasets.txt.gz``
the same gzipped. ``mode``: ``"flaky"`` answers 503 to the first
``flaky_failures`` requests, ``"down"`` always 503, ``"cut"`` drops the
connection halfway through the body.
"""

import gzip
import threading

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


class FakeDASList:
    """The fake host's state."""

    def __init__(self, lines=()):
        """Serve ``lines``."""
        self.lines = list(lines)
        self.mode = "normal"
        self.flaky_failures = 1
        self.calls = []
        self.server = None

    def reset(self):
        """Back to normal, calls forgotten."""
        self.mode, self.calls, self.flaky_failures = "normal", [], 1

    def start(self):
        """Serve on a free loopback port; returns the base URL."""
        self.server = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_port}"

    def stop(self):
        """Stop serving."""
        self.server.shutdown()

    def wsgi(self, environ, start_response):
        """Answer one request."""
        request = Request(environ)
        self.calls.append(request.path)
        if self.mode == "down" or (self.mode == "flaky" and self.flaky_failures > 0):
            self.flaky_failures -= 1
            return Response("Service Unavailable", status=503)(environ, start_response)
        body = "".join(f"{line}\n" for line in self.lines).encode()
        if request.path == "/datasets.txt.gz":
            body = gzip.compress(body)
        elif request.path != "/datasets.txt":
            return Response("not found", status=404)(environ, start_response)
        if self.mode == "cut":
            start_response(
                "200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))]
            )
            return [body[: len(body) // 2]]
        chunks = (body[i:i + 4096] for i in range(0, len(body), 4096))
        return Response(chunks, status=200, content_type="text/plain")(environ, start_response)


def start_das_list(lines=()):
    """A started fake; ``.url`` is its base URL."""
    fake = FakeDASList(lines)
    fake.url = fake.start()
    return fake
