#!/usr/bin/env python3
"""Demo stand-ins for ORCID, ROR, CADI, the CERN directory and Zenodo, for ``./scripts/run``.

A demo machine (or a physicist's laptop) may not reach pub.orcid.org or
api.ror.org, so ``./scripts/run`` starts this server and points
``CAP_ORCID_API_URL`` / ``CAP_ROR_API_URL`` at it (unless
``CAP_DEMO_UPSTREAMS=0``). It answers like the real APIs, from the sample
payloads in ``cap/modules/services/data/`` (the files the test fakes serve):

- ORCID public API v3.0 on ``CAP_DEMO_ORCID_PORT`` (default 5101):
  ``GET /v3.0/expanded-search/?q=&start=&rows=`` and ``GET /v3.0/<id>/person``;
- ROR API v2 on ``CAP_DEMO_ROR_PORT`` (default 5102):
  ``GET /v2/organizations?query=&page=`` and ``GET /v2/organizations/<id>``;
- CADI (its token endpoint and API) on ``CAP_DEMO_CADI_PORT`` (default
  5103), over the CADI module's demo file;
- the CERN directory (LDAP) on ``CAP_DEMO_LDAP_PORT`` (default 5104): a
  slice of people and e-groups, the demo accounts and their e-groups;
- Zenodo's deposition API on ``CAP_DEMO_ZENODO_PORT`` (default 5105), the
  test suite's fake (token ``zenodo-test-token``, DOIs under 10.5072);
- REANA's REST API on ``CAP_DEMO_REANA_PORT`` (default 5106): runs progress
  each time their status is read and write their declared outputs; the runs
  are kept under ``CAP_DEMO_STATE_DIR`` too, so a restart does not lose the
  runs CAP follows;
- GitHub (REST v3) on ``CAP_DEMO_GITHUB_PORT`` (default 5107) and GitLab
  (API v4, as gitlab.cern.ch) on ``CAP_DEMO_GITLAB_PORT`` (default 5108):
  demo repositories, real tar.gz archives, hooks that deliver signed events
  (``POST /_fake/push {repository, branch, tag?}`` pushes and delivers); the
  hooks CAP creates are kept under ``CAP_DEMO_STATE_DIR`` (``./scripts/run``:
  ``var/demo-upstreams/``), so a restart does not leave CAP's hooks dangling.
- OAuth for linked accounts: GitHub (``/login/oauth/...``), GitLab
  (``/oauth/...``) and Zenodo (``/oauth/...``) on the same ports approve
  every request as ``sandersson`` (``tests/fakes/oauth.py``).

CADI, LDAP, Zenodo, REANA, GitHub and GitLab are the test suite's fakes
(``tests/fakes/``): one implementation for tests and demo. Loopback only. Pointing CAP at the real
services is configuration only (or run with CAP_DEMO_UPSTREAMS=0).
"""

import json
import os
import re
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "cap" / "modules" / "services" / "data"
HOST = "127.0.0.1"
ROR_PAGE = 20
QUERY_WORDS = {"and", "or", "not", "given", "family", "names", "other"}
READY = "demo upstreams ready"
"""The line printed once every server listens (``./scripts/run`` waits for it)."""


def load(name):
    """One sample payload file."""
    return json.loads((DATA / name).read_text(encoding="utf-8"))


class Handler(BaseHTTPRequestHandler):
    """JSON answers; ``route`` gives ``(status, body)`` for a path and arguments."""

    route = None
    content_type = "application/json"

    def log_message(self, fmt, *args):
        """Quiet unless asked (CAP_DEMO_UPSTREAMS_LOG=1)."""
        if os.environ.get("CAP_DEMO_UPSTREAMS_LOG") == "1":
            super().log_message(fmt, *args)

    def do_GET(self):
        """Answer from the sample data."""
        url = urlparse(self.path)
        args = {key: values[-1] for key, values in parse_qs(url.query).items()}
        try:
            status, body = type(self).route(url.path.rstrip("/"), args)
        except (ValueError, KeyError) as error:
            status, body = 400, {"errors": [f"Bad request: {error}"]}
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def orcid_routes():
    """The ORCID API over the sample people."""
    sample = load("orcid_people.json")
    people = sample["expanded-result"]
    records = sample["person"]

    def names(person):
        parts = [person.get("given-names"), person.get("family-names"), person.get("credit-name")]
        parts += person.get("other-name") or []
        return " ".join(p for p in parts if p).lower().split()

    def route(path, args):
        if path == "/v3.0/expanded-search":
            words = [w.lower() for w in re.findall(r"[^\W\d_]+", args.get("q", ""))]
            words = [w for w in words if w not in QUERY_WORDS]
            found = [p for p in people
                     if words and all(any(n.startswith(w) for n in names(p)) for w in words)]
            start, rows = int(args.get("start", 0)), int(args.get("rows", 10))
            return 200, {"expanded-result": found[start:start + rows] or None,
                         "num-found": len(found)}
        match = re.match(r"^/v3\.0/([0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X])/person$", path)
        if match and match.group(1) in records:
            return 200, records[match.group(1)]
        return 404, {"response-code": 404, "user-message": "The resource was not found.",
                     "developer-message": f"404 Not Found: {path}", "error-code": 9016}

    return route


def ror_routes():
    """The ROR v2 API over the sample organisations."""
    orgs = load("ror_organizations.json")["items"]

    def text(org):
        return " ".join(n.get("value", "") for n in org.get("names", [])).lower()

    def route(path, args):
        if path == "/v2/organizations":
            words = args.get("query", "").lower().split()
            found = [o for o in orgs if all(w in text(o) for w in words)]
            page = max(int(args.get("page", 1)), 1)
            return 200, {"items": found[(page - 1) * ROR_PAGE: page * ROR_PAGE],
                         "meta": {"types": [], "countries": [], "statuses": []},
                         "number_of_results": len(found), "time_taken": 1}
        match = re.match(r"^/v2/organizations/([0-9a-z]{9})$", path)
        if match:
            org = next((o for o in orgs if o["id"].endswith("/" + match.group(1))), None)
            if org is not None:
                return 200, org
            return 404, {"errors": [f"ROR ID '{match.group(1)}' does not exist"]}
        return 404, {"errors": ["Not found"]}

    return route


def serve(name, port, route, content_type="application/json"):
    """A started server of ``route`` on the loopback ``port``."""
    handler = type(f"{name}Handler", (Handler,), {
        "route": staticmethod(route), "content_type": content_type,
    })
    server = ThreadingHTTPServer((HOST, port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def demo_directory_entries():
    """Directory entries of the demo accounts (``CAP_DEMO_USERS``) and their e-groups."""
    from fakes.ldap_server import egroup, person

    from cap.config import CAP_DEMO_USERS

    entries, groups = [], set()
    for spec in CAP_DEMO_USERS:
        login = spec["email"].split("@")[0]
        entries.append(person(f"demo-{login}", spec["email"], f"Demo {login.upper()} user", "EP"))
        groups.update(role.split("@")[0] for role in spec.get("roles", ()))
    for name in sorted(groups):
        entries.append(egroup(name, f"Demo e-group {name}"))
    for name, description in (("cms-hig-conveners", "CMS Higgs PAG conveners (demo)"),
                              ("cms-exo-conveners", "CMS Exotica PAG conveners (demo)")):
        entries.append(egroup(name, description))
    return entries


def main():
    """Serve the demo upstreams until SIGINT/SIGTERM."""
    sys.path.insert(0, str(ROOT / "tests"))  # the fakes' package
    from fakes.cadi_server import FakeCadi
    from fakes.git_server import start_github, start_gitlab
    from fakes.ldap_server import ENTRIES, start_directory
    from fakes.reana_server import FakeReana
    from fakes.zenodo_server import FakeZenodo

    orcid_port = int(os.environ.get("CAP_DEMO_ORCID_PORT", "5101"))
    ror_port = int(os.environ.get("CAP_DEMO_ROR_PORT", "5102"))
    cadi_port = int(os.environ.get("CAP_DEMO_CADI_PORT", "5103"))
    ldap_port = int(os.environ.get("CAP_DEMO_LDAP_PORT", "5104"))
    zenodo_port = int(os.environ.get("CAP_DEMO_ZENODO_PORT", "5105"))
    reana_port = int(os.environ.get("CAP_DEMO_REANA_PORT", "5106"))
    known = {dn for dn, _ in ENTRIES}
    directory = start_directory(
        ldap_port, [e for e in demo_directory_entries() if e[0] not in known]
    )
    cadi = FakeCadi(cadi_port)
    zenodo = FakeZenodo(zenodo_port)
    state = os.environ.get("CAP_DEMO_STATE_DIR")
    reana = FakeReana(reana_port, state and Path(state) / "reana.json")
    github = start_github(int(os.environ.get("CAP_DEMO_GITHUB_PORT", "5107")),
                          state and Path(state) / "github-hooks.json")
    gitlab = start_gitlab(int(os.environ.get("CAP_DEMO_GITLAB_PORT", "5108")),
                          state and Path(state) / "gitlab-hooks.json")
    servers = [
        serve("ORCID", orcid_port, orcid_routes(), "application/vnd.orcid+json"),
        serve("ROR", ror_port, ror_routes()),
        cadi.server,
        directory.server,
        zenodo.server,
        reana.server,
        github.server,
        gitlab.server,
    ]
    print(f"demo ORCID API: http://{HOST}:{orcid_port}/v3.0", flush=True)
    print(f"demo ROR API:   http://{HOST}:{ror_port}/v2", flush=True)
    print(f"demo CADI API:  {cadi.url}/api", flush=True)
    print(f"demo directory: {directory.url}", flush=True)
    print(f"demo Zenodo:    {zenodo.url}/api", flush=True)
    print(f"demo REANA:     {reana.url}/api", flush=True)
    print(f"demo GitHub:    {github.url}", flush=True)
    print(f"demo GitLab:    {gitlab.url}", flush=True)
    print(READY, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.wait(0.5):
        pass
    for server in servers:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
