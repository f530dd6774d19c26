"""A client of Zenodo's deposition API (developers.zenodo.org).

Every call has ``timeout`` seconds. An idempotent call (GET, PUT, DELETE)
that fails with a refused connection or a 429/5xx is retried ``retries``
times with backoff; a POST never is (it may have reached Zenodo: a
second deposition, a second publish). Failures surface as :class:`UpstreamTimeoutError` (504) or
:class:`UpstreamUnavailableError` (502) whose message carries Zenodo's own
(its field errors included).
"""

import time

import requests

from ..core.errors import NotFoundError, UpstreamTimeoutError, UpstreamUnavailableError
from ..services.status import record_status

RETRY_STATUS = {429, 500, 502, 503, 504}
IDEMPOTENT = {"GET", "PUT", "DELETE"}
SOURCE = "Zenodo"


class ZenodoClient:
    """Depositions, their bucket uploads, publish and new version, record look-ups."""

    def __init__(self, base_url, token, timeout=30, retries=2, backoff=0.2):
        """``base_url`` ends in ``/api``; ``token`` is a personal access token."""
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = float(timeout)
        self.retries = int(retries)
        self.backoff = float(backoff)
        self.session = requests.Session()

    def create(self):
        """A new empty deposition."""
        return self._call("POST", "/deposit/depositions", json={})

    def set_metadata(self, deposition_id, metadata):
        """Replace the deposition's metadata."""
        return self._call("PUT", f"/deposit/depositions/{deposition_id}",
                          json={"metadata": metadata})

    def upload(self, bucket_url, key, stream):
        """Put one file (a readable binary ``stream``) into the deposition's bucket."""
        return self._call("PUT", f"{bucket_url}/{key}", data=stream,
                          headers={"Content-Type": "application/octet-stream"})

    def delete_file(self, deposition_id, file_id):
        """Remove a file (one a new version inherited)."""
        self._call("DELETE", f"/deposit/depositions/{deposition_id}/files/{file_id}")

    def publish(self, deposition_id):
        """Publish the deposition: its DOI is minted."""
        return self._call("POST", f"/deposit/depositions/{deposition_id}/actions/publish")

    def new_version(self, deposition_id):
        """A new draft version of a published deposition (same concept DOI)."""
        answer = self._call("POST", f"/deposit/depositions/{deposition_id}/actions/newversion")
        return self._call("GET", answer["links"]["latest_draft"])

    def record(self, record_id):
        """A published Zenodo record."""
        return self._call("GET", f"/records/{record_id}")

    def _url(self, path):
        return path if path.startswith("http") else f"{self.base_url}{path}"

    def _call(self, method, path, **kwargs):
        if not self.token:
            raise UpstreamUnavailableError("No Zenodo token is configured (CAP_ZENODO_TOKEN).")
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json",
                   **kwargs.pop("headers", {})}
        deadline = time.monotonic() + self.timeout
        attempt = 0
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise self._timed_out(method, path)
            retry = None
            try:
                response = self.session.request(method, self._url(path), headers=headers,
                                                timeout=left, **kwargs)
            except requests.Timeout:
                raise self._timed_out(method, path) from None
            except requests.ConnectionError as error:
                retry = f"connection failed ({type(error).__name__})"
                if method not in IDEMPOTENT:  # it may have reached Zenodo: never twice
                    raise self._unavailable(method, path, retry) from None
            else:
                if response.status_code in RETRY_STATUS and method in IDEMPOTENT:
                    retry = f"HTTP {response.status_code}"
                else:
                    return self._result(method, path, response)
            pause = self.backoff * (2**attempt)
            if attempt >= self.retries or time.monotonic() + pause >= deadline:
                raise self._unavailable(method, path, retry)
            attempt += 1
            time.sleep(pause)
            if hasattr(kwargs.get("data"), "seek"):
                kwargs["data"].seek(0)  # send the file again from its start

    def _result(self, method, path, response):
        if response.status_code == 404:
            record_status(SOURCE, True, f"{method} {path}: not found")
            raise NotFoundError(f"Not found in {SOURCE}.")
        try:
            body = response.json() if response.content else None
        except ValueError:
            body = None
        if not 200 <= response.status_code < 300:
            detail = (body or {}).get("message") if isinstance(body, dict) else None
            errors = [f"{e.get('field')}: {e.get('message')}"
                      for e in ((body or {}).get("errors") or []) if isinstance(e, dict)] \
                if isinstance(body, dict) else []
            reason = "; ".join(filter(None, [detail, *errors])) or f"HTTP {response.status_code}"
            raise self._unavailable(method, path, f"HTTP {response.status_code}: {reason}")
        record_status(SOURCE, True, f"{method} {path}")
        return body

    def _timed_out(self, method, path):
        message = f"{SOURCE} did not answer within {self.timeout:g} s ({method} {path})."
        record_status(SOURCE, False, message)
        return UpstreamTimeoutError(message)

    def _unavailable(self, method, path, reason):
        message = f"{SOURCE} failed {method} {path}: {reason}"
        record_status(SOURCE, False, message)
        return UpstreamUnavailableError(message)
