"""HTTP client of REANA's REST API (reana-server), plain requests.

Each call carries the experiment's access token (``access_token``, as
REANA asks for it) and a timeout; connection errors, timeouts and
502/503/504 answers are retried with exponential backoff. A REANA that
stays down is :class:`ReanaUnreachable` (an
:class:`~cap.modules.core.errors.UpstreamUnavailableError`, 502) or
:class:`ReanaTimeout` (an :class:`~cap.modules.core.errors.UpstreamTimeoutError`,
504), whatever the call;
REANA refusing a request (4xx) is a plain :class:`ReanaRefusal` carrying
REANA's message.
"""

import json
import time

import requests

from ..core.errors import UpstreamTimeoutError, UpstreamUnavailableError

RETRY_STATUSES = {502, 503, 504}


TOKEN_REFUSALS = ("Token not valid.", "User access token revoked.")
"""reana-server's 403 messages about the token itself (``get_user_from_token``);
its other 403s refuse the operation (a ``ValueError``: already started, quota
exceeded, an unknown run on start)."""


UNKNOWN_RUN = "but that workflow does not exist"
"""What reana-server says of a run it does not have (``REANA_WORKON`` is reana-client's
setting, which CAP's users never see)."""


class ReanaUnreachable(UpstreamUnavailableError):
    """REANA did not answer (no connection, or 502/503/504) after the retries."""


class ReanaTimeout(UpstreamTimeoutError):
    """REANA did not answer in time after the retries."""


class ReanaRefusal(Exception):  # noqa: N818 (REANA's answer, not our error)
    """REANA refused the request (a 4xx): the service says what it means here."""

    def __init__(self, status, message):
        """Keep REANA's status code and message."""
        super().__init__(message)
        self.status = status
        self.message = message

    @property
    def run_unknown(self):
        """Whether REANA has no such run (reana-server's 404, and its 403 on start, say
        "REANA_WORKON is set to <id>, but that workflow does not exist")."""
        return self.status in (403, 404) and UNKNOWN_RUN in self.message

    @property
    def token_refused(self):
        """Whether REANA refused CAP's access token (401: none or no active one)."""
        return self.status == 401 or (self.status == 403 and self.message in TOKEN_REFUSALS)


class ReanaClient:
    """REANA API client; one per app (``requests.Session`` is thread-safe for this use)."""

    def __init__(self, url, timeout=10, retries=2, backoff=0.3, max_file_size=None):
        """Keep the settings; nothing is called before the first request."""
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_file_size = max_file_size
        self.session = requests.Session()

    @classmethod
    def from_config(cls, config):
        """A client from ``CAP_REANA_*`` settings."""
        return cls(
            url=config["CAP_REANA_URL"],
            timeout=config["CAP_REANA_TIMEOUT"],
            retries=config["CAP_REANA_RETRIES"],
            backoff=config["CAP_REANA_BACKOFF"],
            max_file_size=config["CAP_REANA_MAX_FILE_SIZE"],
        )

    # -- transport ------------------------------------------------------
    def _send(self, method, path, token, params=None, **kwargs):
        """The response of one call (after retries); raises upstream errors."""
        url = f"{self.url}/api{path}"
        params = {**(params or {}), "access_token": token}
        attempt = 0
        while True:
            try:
                response = self.session.request(
                    method, url, params=params, timeout=self.timeout, **kwargs
                )
            except requests.Timeout:
                error = ReanaTimeout("REANA did not answer in time; try again later.")
            except requests.RequestException as exc:
                error = ReanaUnreachable(
                    f"REANA is unreachable ({type(exc).__name__}); try again later."
                )
            else:
                if response.status_code not in RETRY_STATUSES:
                    return response
                error = ReanaUnreachable(
                    f"REANA is unavailable (it answered {response.status_code}); "
                    "try again later."
                )
            if attempt >= self.retries:
                raise error
            time.sleep(self.backoff * (2**attempt))
            attempt += 1

    def _json(self, method, path, token, expected=(200,), **kwargs):
        """The JSON answer of a call; REANA's own refusals as :class:`ReanaRefusal`."""
        response = self._send(method, path, token, **kwargs)
        try:
            body = response.json()
        except ValueError:
            raise UpstreamUnavailableError(
                f"REANA answered {response.status_code} with a body that is not JSON."
            ) from None
        if response.status_code in expected and isinstance(body, dict):
            return body
        message = body.get("message") if isinstance(body, dict) else None
        if 400 <= response.status_code < 500:
            raise ReanaRefusal(response.status_code, message or f"REANA refused the request "
                                                                f"({response.status_code}).")
        raise UpstreamUnavailableError(f"REANA answered {response.status_code}: {message}.")

    # -- API --------------------------------------------------------------
    def ping(self):
        """Whether REANA answers its ping."""
        response = self._send("GET", "/ping", None)
        return response.status_code == 200

    def create(self, token, name, specification):
        """Create a workflow: ``{workflow_id, workflow_name}`` (``name.<run>``).

        reana-server takes the specification itself as the body (what
        reana-client sends from reana.yaml) and the name as a query parameter.
        """
        return self._json("POST", "/workflows", token, expected=(201,),
                          params={"workflow_name": name}, json=specification)

    def start(self, token, workflow_id, parameters=None):
        """Start a created workflow with ``parameters`` overriding the declared ones.

        No ``restart`` key: reana-server treats its mere presence as a restart
        of a finished run, whatever its value.
        """
        return self._json(
            "POST", f"/workflows/{workflow_id}/start", token,
            json={"input_parameters": parameters or {}, "operational_options": {}},
        )

    def status(self, token, workflow_id):
        """``{id, name, status, progress, created}`` of a workflow."""
        return self._json("GET", f"/workflows/{workflow_id}/status", token)

    def stop(self, token, workflow_id):
        """Stop a running workflow (REANA refuses any other with a 409)."""
        return self._json("PUT", f"/workflows/{workflow_id}/status", token,
                          params={"status": "stop"}, json={})

    def delete(self, token, workflow_id):
        """Delete a workflow and its workspace."""
        return self._json("PUT", f"/workflows/{workflow_id}/status", token,
                          params={"status": "deleted"},
                          json={"all_runs": False, "workspace": True})

    def logs(self, token, workflow_id):
        """``{workflow_logs, job_logs, engine_specific}`` (REANA sends them as a JSON string)."""
        body = self._json("GET", f"/workflows/{workflow_id}/logs", token)
        logs = body.get("logs")
        if isinstance(logs, str):
            try:
                logs = json.loads(logs)
            except ValueError:
                logs = {"workflow_logs": logs}
        return logs if isinstance(logs, dict) else {}

    def list_files(self, token, workflow_id):
        """``[{name, size, last-modified}]`` of the workspace."""
        items = self._json("GET", f"/workflows/{workflow_id}/workspace", token).get("items")
        return [
            {"name": item.get("name"), "size": (item.get("size") or {}).get("raw"),
             "last_modified": item.get("last-modified")}
            for item in items or [] if isinstance(item, dict)
        ]

    def upload(self, token, workflow_id, name, stream):
        """Upload ``stream`` to the workspace as ``name``."""
        return self._json(
            "POST", f"/workflows/{workflow_id}/workspace", token,
            params={"file_name": name}, data=stream,
            headers={"Content-Type": "application/octet-stream"},
        )

    def download(self, token, workflow_id, name):
        """The bytes of the workspace file ``name`` (at most ``max_file_size``)."""
        path = f"/workflows/{workflow_id}/workspace/{requests.utils.quote(name)}"
        response = self._send("GET", path, token, stream=True)
        if response.status_code != 200:
            response.close()
            raise ReanaRefusal(response.status_code, f"REANA has no file {name} in the "
                                                     "workspace.")
        chunks, size = [], 0
        for chunk in response.iter_content(64 * 1024):
            size += len(chunk)
            if self.max_file_size is not None and size > self.max_file_size:
                response.close()
                raise ReanaRefusal(413, f"{name} is larger than {self.max_file_size} bytes.")
            chunks.append(chunk)
        return b"".join(chunks)
