"""A small JSON-over-HTTP client with a total time budget, retries and status.

Each call has ``timeout`` seconds in all: every attempt gets what is left
of it, a refused connection, a 429 or a 5xx answer is retried ``retries``
times with exponential backoff while time remains, and the body is read in
chunks against the same deadline (a server that trickles bytes cannot hold
a worker). Failures surface as :class:`UpstreamTimeoutError` (504) or
:class:`UpstreamUnavailableError` (502); an upstream 404 is
:class:`NotFoundError`. Each outcome is recorded with
:func:`~cap.modules.services.status.record_status`.
"""

import contextlib
import json
import time

import requests
from urllib3.exceptions import HTTPError, ReadTimeoutError

from ..core.errors import NotFoundError, UpstreamTimeoutError, UpstreamUnavailableError
from .status import record_status

RETRY_STATUS = {429, 500, 502, 503, 504}
CHUNK = 64 * 1024
MAX_BODY = 20 * 1024 * 1024


class _Retry(Exception):
    """An attempt failed in a way worth another try."""


class JSONClient:
    """GET JSON documents under one base URL."""

    def __init__(self, source, base_url, timeout=5, retries=2, backoff=0.2, headers=None):
        """``source`` names the upstream in errors and in the status hash."""
        self.source = source
        self.base_url = base_url.rstrip("/")
        self.timeout = float(timeout)
        self.retries = int(retries)
        self.backoff = float(backoff)
        self.headers = {"Accept": "application/json", **(headers or {})}
        self.session = requests.Session()

    def url(self, path):
        """Absolute URL of ``path``."""
        return f"{self.base_url}/{path.lstrip('/')}"

    def get_json(self, path, params=None):
        """The decoded JSON at ``path``; raises an upstream error on failure."""
        deadline = time.monotonic() + self.timeout
        attempt, last = 0, None
        while True:
            try:
                result = self._attempt(path, params, deadline)
            except NotFoundError:
                record_status(self.source, True, f"GET {path}: not found")
                raise
            except UpstreamTimeoutError as error:
                record_status(self.source, False, error.message)
                raise
            except UpstreamUnavailableError as error:
                record_status(self.source, False, error.message)
                raise
            except _Retry as error:
                last = str(error)
                pause = self.backoff * (2**attempt)
                if attempt >= self.retries or time.monotonic() + pause >= deadline:
                    message = f"{self.source} is unavailable: {last}"
                    record_status(self.source, False, message)
                    raise UpstreamUnavailableError(message) from None
                attempt += 1
                time.sleep(pause)
                continue
            record_status(self.source, True, f"GET {path}")
            return result

    def _timed_out(self):
        return UpstreamTimeoutError(
            f"{self.source} did not answer within {self.timeout:g} s."
        )

    def _attempt(self, path, params, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise self._timed_out()
        try:
            response = self.session.get(
                self.url(path), params=params, headers=self.headers, timeout=left, stream=True
            )
        except requests.Timeout:
            raise self._timed_out() from None
        except requests.ConnectionError as error:
            raise _Retry(f"connection failed ({type(error).__name__})") from None
        with response:
            if response.status_code in RETRY_STATUS:
                raise _Retry(f"HTTP {response.status_code}")
            if response.status_code == 404:
                raise NotFoundError(f"Not found in {self.source}.")
            body = self._read(response, deadline)
            if not 200 <= response.status_code < 300:
                raise UpstreamUnavailableError(
                    f"{self.source} answered HTTP {response.status_code}."
                )
        try:
            return json.loads(body)
        except ValueError:
            raise UpstreamUnavailableError(f"{self.source} answered something not JSON.") from None

    def _read(self, response, deadline):
        """The body, read piece by piece against the deadline (no trickling past it)."""
        chunks, size = [], 0
        raw = response.raw
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise self._timed_out()
                _limit_socket(raw, left)
                chunk = raw.read1(CHUNK, decode_content=True)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > MAX_BODY:
                    raise UpstreamUnavailableError(f"{self.source} answered too much.")
        except (requests.Timeout, ReadTimeoutError):
            raise self._timed_out() from None
        except (requests.RequestException, HTTPError, OSError):
            if time.monotonic() >= deadline:
                raise self._timed_out() from None
            raise UpstreamUnavailableError(f"{self.source} broke off its answer.") from None
        return b"".join(chunks)


def _limit_socket(raw, seconds):
    """Make the next socket read wait at most ``seconds`` (best effort)."""
    sock = getattr(getattr(raw, "_connection", None), "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.settimeout(max(seconds, 0.01))
