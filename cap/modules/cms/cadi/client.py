"""HTTP client of CADI: a token from the CERN auth service, then the API.

Every call has a timeout; sync calls retry connection errors, timeouts and
5xx/429 answers with exponential backoff. A caller may give a ``deadline``
(``time.monotonic()`` value): no attempt and no wait goes beyond it, so an
HTTP view answers within its budget. Failures are the plain upstream
errors of :mod:`cap.modules.core.errors` (502/504 in the one HTTP map).
"""

import threading
import time

import requests

from ...core.errors import NotFoundError, UpstreamTimeoutError, UpstreamUnavailableError

RETRY_STATUSES = {429, 500, 502, 503, 504}


class CadiClient:
    """CADI API client; one per app, thread-safe (a token shared behind a lock)."""

    def __init__(
        self,
        api_url,
        token_url=None,
        client_id=None,
        client_secret=None,
        audience=None,
        list_path="/analyses",
        detail_path="/analyses/{id}",
        page_size=100,
        max_pages=1000,
        timeout=10,
        retries=3,
        backoff=0.5,
    ):
        """Keep the settings; nothing is fetched before the first call."""
        self.api_url = api_url.rstrip("/")
        self.token_url = token_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.audience = audience
        self.list_path = list_path
        self.detail_path = detail_path
        self.page_size = page_size
        self.max_pages = max_pages
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self._token = None
        self._token_expires = 0.0
        self._lock = threading.Lock()
        self._session = requests.Session()

    @classmethod
    def from_config(cls, config):
        """A client from ``CAP_CADI_*`` settings."""
        return cls(
            api_url=config["CAP_CADI_API_URL"],
            token_url=config["CAP_CADI_TOKEN_URL"],
            client_id=config["CAP_CADI_CLIENT_ID"],
            client_secret=config["CAP_CADI_CLIENT_SECRET"],
            audience=config["CAP_CADI_AUDIENCE"],
            list_path=config["CAP_CADI_LIST_PATH"],
            detail_path=config["CAP_CADI_DETAIL_PATH"],
            page_size=config["CAP_CADI_PAGE_SIZE"],
            max_pages=config["CAP_CADI_MAX_PAGES"],
            timeout=config["CAP_CADI_TIMEOUT"],
            retries=config["CAP_CADI_RETRIES"],
            backoff=config["CAP_CADI_BACKOFF"],
        )

    # -- transport ------------------------------------------------------
    def _send(self, method, url, deadline=None, retries=None, **kwargs):
        """The response of one call, after retries; raises upstream errors."""
        retries = self.retries if retries is None else retries
        attempt = 0
        while True:
            timeout = self.timeout
            if deadline is not None:
                timeout = min(timeout, deadline - time.monotonic())
                if timeout <= 0:
                    raise UpstreamTimeoutError("CADI did not answer in time.")
            try:
                response = self._session.request(method, url, timeout=timeout, **kwargs)
            except requests.Timeout:
                error = UpstreamTimeoutError("CADI did not answer in time.")
            except requests.RequestException as exc:
                error = UpstreamUnavailableError(f"CADI is unreachable: {type(exc).__name__}.")
            else:
                if response.status_code not in RETRY_STATUSES:
                    return response
                error = UpstreamUnavailableError(
                    f"CADI answered {response.status_code}."
                )
            if attempt >= retries:
                raise error
            wait = self.backoff * (2**attempt)
            if deadline is not None and time.monotonic() + wait >= deadline:
                raise error
            time.sleep(wait)
            attempt += 1

    @staticmethod
    def _json(response, what):
        try:
            return response.json()
        except ValueError:
            raise UpstreamUnavailableError(f"CADI answered {what} that is not JSON.") from None

    def _get_token(self, deadline=None, retries=None):
        """A bearer token (cached until shortly before it expires), or ``None``."""
        if not self.client_id:
            return None
        with self._lock:
            if self._token and time.monotonic() < self._token_expires:
                return self._token
        response = self._send(
            "POST",
            self.token_url,
            deadline=deadline,
            retries=retries,
            data={
                "grant_type": "client_credentials",
                "client_id": self.client_id,
                "client_secret": self.client_secret or "",
                "audience": self.audience or "",
            },
        )
        if response.status_code != 200:
            raise UpstreamUnavailableError(
                f"The CERN auth service refused CAP's credentials ({response.status_code})."
            )
        body = self._json(response, "a token")
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise UpstreamUnavailableError("The CERN auth service answered no access token.")
        expires_in = body.get("expires_in")
        expires_in = expires_in if isinstance(expires_in, int | float) else 60
        with self._lock:
            self._token = token
            self._token_expires = time.monotonic() + max(expires_in - 30, 1)
        return token

    def _forget_token(self):
        with self._lock:
            self._token = None
            self._token_expires = 0.0

    def _api_get(self, path, params=None, deadline=None, retries=None):
        """GET an API path with the token; one new token on a 401."""
        url = self.api_url + path
        for attempt in range(2):
            token = self._get_token(deadline=deadline, retries=retries)
            headers = {"Accept": "application/json"}
            if token:
                headers["Authorization"] = f"Bearer {token}"
            response = self._send(
                "GET", url, deadline=deadline, retries=retries, params=params, headers=headers
            )
            if response.status_code == 401 and token and attempt == 0:
                self._forget_token()
                continue
            return response
        return response

    # -- API --------------------------------------------------------------
    def iter_pages(self, since=None):
        """Yield each page's list of raw analyses (``since``: ISO date, incremental)."""
        page = 1
        while page <= self.max_pages:
            params = {"page": page, "size": self.page_size}
            if since:
                params["updated_since"] = since
            response = self._api_get(self.list_path, params=params)
            if response.status_code != 200:
                raise UpstreamUnavailableError(
                    f"CADI answered {response.status_code} to the list of analyses."
                )
            body = self._json(response, "a list")
            items = body.get("data") if isinstance(body, dict) else None
            if not isinstance(items, list):
                raise UpstreamUnavailableError("CADI answered a list without data.")
            if items:
                yield items
            total = body.get("total")
            seen = (page - 1) * self.page_size + len(items)
            if not items:
                return
            if isinstance(total, int) and not isinstance(total, bool):
                if seen >= total:
                    return
            elif len(items) < self.page_size:
                return
            page += 1
        raise UpstreamUnavailableError(f"CADI kept paging beyond {self.max_pages} pages.")

    def iter_analyses(self, since=None):
        """Yield every raw analysis (dicts as CADI sends them), page after page."""
        for items in self.iter_pages(since=since):
            yield from items

    def get_analysis(self, cadi_id, deadline=None, retries=None):
        """One raw analysis; :class:`NotFoundError` when CADI does not know it."""
        path = self.detail_path.format(id=requests.utils.quote(cadi_id, safe=""))
        response = self._api_get(path, deadline=deadline, retries=retries)
        if response.status_code == 404:
            raise NotFoundError(f"CADI has no analysis {cadi_id}.")
        if response.status_code != 200:
            raise UpstreamUnavailableError(f"CADI answered {response.status_code}.")
        body = self._json(response, "an analysis")
        item = body.get("data") if isinstance(body, dict) else None
        if isinstance(item, list):
            item = item[0] if len(item) == 1 else None
        if not isinstance(item, dict):
            raise UpstreamUnavailableError("CADI answered an analysis without data.")
        return item
