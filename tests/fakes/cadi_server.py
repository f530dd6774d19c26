"""A fake CERN auth service + CADI API + keywords CSV on 127.0.0.1 (tests only).

Serves, on one random port:
- ``POST /auth/realms/cern/api-access/token``: OAuth2 client credentials
  (Keycloak-shaped answer; 401 ``invalid_client`` on wrong secrets);
- ``GET /api/analyses?page=&size=&updated_since=``: paged ``{data, page,
  size, total}`` (Bearer token required);
- ``GET /api/analyses/<code>``: ``{data: {...}}`` or 404;
- ``GET /keywords.csv``: the keywords spreadsheet export.
The analyses start as the module's demo file (realistic sample, one
malformed). ``./scripts/run`` serves the same fake as its demo CADI
(``scripts/lib/demo_upstreams.py``). ``mode``: ``"ok"``, ``"down"`` (503 everywhere), ``"slow"``
(sleeps ``delay`` seconds before answering the API), ``"garbage"`` (HTML
instead of JSON); ``fail_next``: that many API answers are 503 first.
"""

import json
import time
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import cap.modules.cms.cadi as cadi_module
import cap.modules.keywords as keywords_module

from .upstream import JSONHandler, ServedFake

CLIENT_ID = "cap-test"
CLIENT_SECRET = "s3cret"
DEMO_FILE = Path(cadi_module.__file__).parent / "data" / "cadi_analyses.json"
KEYWORDS_FILE = Path(keywords_module.__file__).parent / "data" / "cms_keywords.csv"


def demo_analyses():
    """A fresh copy of the sample analyses."""
    return json.loads(DEMO_FILE.read_text())["data"]


class FakeCadi(ServedFake):
    """State of the fake (the sample data at first), shared with its handler."""

    def reset(self):
        """Back to the sample data and good behaviour."""
        self.analyses = demo_analyses()
        self.keywords_csv = KEYWORDS_FILE.read_text()
        self.mode = "ok"
        self.delay = 0
        self.fail_next = 0
        self.tokens = set()
        self.token_requests = 0
        self.requests = []

    @property
    def config(self):
        """App settings pointing CAP at this fake."""
        return {
            "CAP_CADI_TOKEN_URL": f"{self.url}/auth/realms/cern/api-access/token",
            "CAP_CADI_API_URL": f"{self.url}/api",
            "CAP_CADI_CLIENT_ID": CLIENT_ID,
            "CAP_CADI_CLIENT_SECRET": CLIENT_SECRET,
            "CAP_KEYWORDS_CSV_URL": f"{self.url}/keywords.csv",
        }

    def _handler(self):
        fake = self

        class Handler(JSONHandler):
            def do_POST(self):
                url = urlparse(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode())
                fake.requests.append(("POST", url.path))
                if url.path != "/auth/realms/cern/api-access/token":
                    return self._send(404, {"error": "not_found"})
                if fake.mode == "down":
                    return self._send(503, b"<html>Service Unavailable</html>", "text/html")
                fake.token_requests += 1
                ok = (
                    form.get("grant_type") == ["client_credentials"]
                    and form.get("client_id") == [CLIENT_ID]
                    and form.get("client_secret") == [CLIENT_SECRET]
                    and form.get("audience") == ["cms-cadi"]
                )
                if not ok:
                    return self._send(
                        401,
                        {
                            "error": "invalid_client",
                            "error_description": "Invalid client credentials",
                        },
                    )
                token = uuid.uuid4().hex
                fake.tokens.add(token)
                return self._send(
                    200,
                    {
                        "access_token": token,
                        "expires_in": 1200,
                        "refresh_expires_in": 0,
                        "token_type": "Bearer",
                        "not-before-policy": 0,
                        "scope": "profile email",
                    },
                )

            def do_GET(self):
                url = urlparse(self.path)
                query = parse_qs(url.query)
                fake.requests.append(("GET", self.path))
                if url.path == "/keywords.csv":
                    if fake.mode == "down":
                        return self._send(503, b"down", "text/plain")
                    return self._send(200, fake.keywords_csv.encode(), "text/csv; charset=utf-8")
                if not url.path.startswith("/api/analyses"):
                    return self._send(404, {"message": "Not found"})
                if fake.mode == "slow":
                    time.sleep(fake.delay)
                if fake.mode == "down" or fake.fail_next > 0:
                    fake.fail_next = max(fake.fail_next - 1, 0)
                    return self._send(503, b"<html>Service Unavailable</html>", "text/html")
                if fake.mode == "garbage":
                    return self._send(200, b"<html>Login to CERN SSO</html>", "text/html")
                auth = self.headers.get("Authorization", "")
                if not auth.startswith("Bearer ") or auth[7:] not in fake.tokens:
                    return self._send(401, {"message": "Unauthorized"})
                if url.path == "/api/analyses":
                    return self._list(query)
                code = url.path[len("/api/analyses/"):]
                found = [a for a in fake.analyses if isinstance(a, dict) and a.get("code") == code]
                if not found:
                    return self._send(404, {"message": f"No analysis {code}"})
                return self._send(200, {"data": found[0]})

            def _list(self, query):
                page = int(query.get("page", ["1"])[0])
                size = int(query.get("size", ["100"])[0])
                items = fake.analyses
                since = query.get("updated_since", [None])[0]
                if since:
                    items = [a for a in items if str(a.get("updateDate", "")) >= since]
                chunk = items[(page - 1) * size : page * size]
                return self._send(
                    200, {"data": chunk, "page": page, "size": size, "total": len(items)}
                )

        return Handler


def start_cadi():
    """A running fake (stop it with ``.stop()``)."""
    return FakeCadi()
