"""A fake legacy CAP files endpoint on 127.0.0.1 (tests only).

``GET /api/files/<bucket>/<key>`` answers the bytes stored under
``files[(bucket, key)]`` (404 for others), as legacy CAP's files REST API
did. ``mode``: ``normal``; ``flaky`` (503 for the first ``flaky_failures``
requests, then normal); ``slow`` (waits ``delay`` seconds before the body).
"""

import time

from werkzeug.wrappers import Response

from .upstream import FakeUpstream


class FakeLegacyFiles(FakeUpstream):
    """The files of a legacy export, by bucket and key."""

    prefix = "/api/files/"

    def __init__(self):
        """No files until a test puts some."""
        super().__init__()
        self.files = {}

    def reset(self):
        """Back to normal, no files."""
        super().reset()
        self.files = {}

    def answer(self, request):
        """The file's bytes, or the misbehaviour asked for."""
        if self.mode == "flaky" and self.flaky_failures > 0:
            self.flaky_failures -= 1
            return Response("busy", status=503)
        if self.mode == "slow":
            time.sleep(self.delay)
        bucket, _, key = request.path[len(self.prefix):].partition("/")
        if not request.path.startswith(self.prefix) or (bucket, key) not in self.files:
            return Response("not found", status=404)
        return Response(self.files[(bucket, key)], mimetype="application/octet-stream")


def start_legacy_files():
    """A running fake; ``.url`` is its base URL."""
    fake = FakeLegacyFiles()
    fake.url = fake.start()
    return fake
