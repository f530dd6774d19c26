"""A fake REANA server (reana-server's REST API) on 127.0.0.1, for tests and the demo.

Serves the part of REANA's API that CAP calls, with REANA's answer shapes:

- ``GET /api/ping``;
- ``GET /api/workflows?type=batch``: ``{items: [...], total, page, size,
  has_next, has_prev, user_has_workflows}``;
- ``POST /api/workflows?workflow_name=``: body ``{reana_specification,
  workflow_name, operational_options}``, 201 ``{message, workflow_id,
  workflow_name}``; each name counts its runs (``name.1``, ``name.2``);
- ``POST /api/workflows/<id>/start``: ``{input_parameters,
  operational_options, restart}``, 200 ``{message, workflow_id,
  workflow_name, status: "queued", user, run_number}``;
- ``GET /api/workflows/<id>/status``: ``{id, name, created, status,
  progress, user}``;
- ``PUT /api/workflows/<id>/status?status=stop|deleted``;
- ``GET /api/workflows/<id>/logs``: ``{workflow_id, workflow_name, logs}``
  where ``logs`` is a JSON *string* of ``{workflow_logs, job_logs,
  engine_specific}``, as REANA sends it;
- ``GET|POST /api/workflows/<id>/workspace[?file_name=]`` and ``GET
  /api/workflows/<id>/workspace/<path>``.

Every call needs ``?access_token=`` (one of ``tokens``; 403 otherwise).
Runs progress one step each time their status is read (queued -> running
-> finished), so a test decides how far a run goes. A run whose parameters
say ``"fail": true`` ends ``failed``. On finishing, the run "computes" its
declared output files from its parameters (a JSON table and a text
summary): the same parameters give the same bytes, so a rerun reproduces,
and ``drift`` (added to every number) makes one differ. ``mode``: ``"ok"``,
``"down"`` (503 everywhere), ``"garbage"`` (HTML instead of JSON);
``fail_next``: that many answers are 503 first.
"""

import json
import threading
import uuid
from datetime import UTC, datetime
from urllib.parse import parse_qs, unquote, urlparse

from .upstream import JSONHandler, ServedFake

TOKENS = {"cms": "reana-cms-token", "atlas": "reana-atlas-token",
          "default": "reana-default-token"}
"""The demo's per-experiment REANA access tokens (not secrets)."""

PROGRESSION = ("queued", "running", "finished")


def _now():
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def run_outputs(parameters, outputs, drift=0.0):
    """``{path: bytes}`` a run with ``parameters`` writes for its declared ``outputs``."""
    numbers = {k: v for k, v in parameters.items()
               if isinstance(v, int | float) and not isinstance(v, bool)}
    scale = sum(numbers.values()) or 1.0
    table = {
        "parameters": parameters,
        "bins": [{"mass": 100 + 25 * i, "events": round(scale * (i + 1) * 1.5 + drift, 6)}
                 for i in range(4)],
        "signal_strength": round(1.0 / scale + drift, 6),
    }
    files = {}
    for path in outputs:
        if path.endswith(".json"):
            files[path] = json.dumps(table, indent=2, sort_keys=True).encode()
        elif path.endswith((".yaml", ".yml")):
            lines = [f"signal_strength: {table['signal_strength']}", "bins:"]
            lines += [f"- {{mass: {b['mass']}, events: {b['events']}}}" for b in table["bins"]]
            files[path] = ("\n".join(lines) + "\n").encode()
        else:
            files[path] = f"fit done with {json.dumps(parameters, sort_keys=True)}\n".encode()
    return files


class FakeReana(ServedFake):
    """State of the fake, shared with its handler."""

    def reset(self):
        """No workflows, good behaviour."""
        self.workflows = {}
        self.runs = {}
        self.tokens = set(TOKENS.values())
        self.mode = "ok"
        self.drift = 0.0
        self.fail_next = 0
        self.requests = []
        self.lock = threading.Lock()

    @property
    def config(self):
        """App settings pointing CAP at this fake."""
        return {"CAP_REANA_URL": self.url, "CAP_REANA_ACCESS_TOKENS": dict(TOKENS)}

    # -- behaviour --------------------------------------------------------
    def create(self, token, name, specification):
        """A new workflow ``name.<n>``."""
        run = self.runs.get((token, name), 0) + 1
        self.runs[(token, name)] = run
        workflow_id = str(uuid.uuid4())
        self.workflows[workflow_id] = {
            "id": workflow_id, "name": f"{name}.{run}", "token": token, "run_number": run,
            "specification": specification, "status": "created", "created": _now(),
            "parameters": dict((specification.get("inputs") or {}).get("parameters") or {}),
            "workspace": {}, "log": [f"{_now()} workflow {name}.{run} created"],
        }
        return self.workflows[workflow_id]

    def advance(self, workflow):
        """One step further along created -> queued -> running -> finished|failed."""
        status = workflow["status"]
        if status not in PROGRESSION[:-1]:
            return
        following = PROGRESSION[PROGRESSION.index(status) + 1]
        if following == "finished" and workflow["parameters"].get("fail"):
            following = "failed"
            workflow["log"].append(f"{_now()} step fit: exit code 1 (fail requested)")
        if following == "finished":
            outputs = (workflow["specification"].get("outputs") or {}).get("files") or []
            workflow["workspace"].update(run_outputs(workflow["parameters"], outputs, self.drift))
        workflow["status"] = following
        workflow["log"].append(f"{_now()} workflow {following}")

    def summary(self, workflow):
        """A workflow as REANA's status and list answers show it."""
        steps = len(((workflow["specification"].get("workflow") or {}).get("specification")
                     or {}).get("steps") or []) or 1
        done = steps if workflow["status"] == "finished" else 0
        return {
            "id": workflow["id"], "name": workflow["name"], "created": workflow["created"],
            "status": workflow["status"], "user": "00000000-0000-0000-0000-000000000000",
            "progress": {"total": {"total": steps, "job_ids": []},
                         "finished": {"total": done, "job_ids": []},
                         "run_started_at": workflow["created"] if done else None},
            "size": {"raw": sum(map(len, workflow["workspace"].values())),
                     "human_readable": ""},
        }

    def _handler(self):
        fake = self

        class Handler(JSONHandler):
            def _body(self):
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def _route(self, method):
                url = urlparse(self.path)
                query = {k: v[-1] for k, v in parse_qs(url.query).items()}
                fake.requests.append((method, url.path))
                body = self._body()
                if fake.mode == "down" or fake.fail_next > 0:
                    fake.fail_next = max(fake.fail_next - 1, 0)
                    return self._send(503, b"<html>503 Service Unavailable</html>", "text/html")
                if fake.mode == "garbage":
                    return self._send(200, b"<html>Sign in with CERN SSO</html>", "text/html")
                if url.path == "/api/ping":
                    return self._send(200, {"message": "OK", "status": "200"})
                token = query.get("access_token")
                if token not in fake.tokens:
                    return self._send(403, {"message": "Token not valid."})
                parts = [unquote(p) for p in url.path.split("/")[3:]]  # after /api/workflows
                if not url.path.startswith("/api/workflows"):
                    return self._send(404, {"message": "Not found."})
                with fake.lock:
                    return self._workflows(method, parts, query, body, token)

            def _workflows(self, method, parts, query, body, token):
                if not parts:
                    if method == "GET":
                        items = [fake.summary(w) for w in fake.workflows.values()
                                 if w["token"] == token and w["status"] != "deleted"]
                        return self._send(200, {"items": items, "total": len(items), "page": 1,
                                                "size": len(items), "has_next": False,
                                                "has_prev": False,
                                                "user_has_workflows": bool(items)})
                    if method == "POST":
                        return self._create(query, body, token)
                workflow = fake.workflows.get(parts[0]) if parts else None
                if workflow is None or workflow["token"] != token or (
                    workflow["status"] == "deleted"
                ):
                    name = parts[0] if parts else ""
                    return self._send(404, {"message": f"REANA_WORKON is set to {name}, but "
                                                       "that workflow does not exist."})
                action = parts[1] if len(parts) > 1 else ""
                if action == "start" and method == "POST":
                    return self._start(workflow, body)
                if action == "status" and method == "GET":
                    fake.advance(workflow)
                    return self._send(200, fake.summary(workflow))
                if action == "status" and method == "PUT":
                    return self._set_status(workflow, query.get("status"))
                if action == "logs" and method == "GET":
                    logs = {"workflow_logs": "\n".join(workflow["log"]), "job_logs": {},
                            "engine_specific": None}
                    return self._send(200, {"workflow_id": workflow["id"],
                                            "workflow_name": workflow["name"],
                                            "logs": json.dumps(logs), "user": "",
                                            "live_logs_enabled": False})
                if action == "workspace":
                    return self._workspace(workflow, method, parts[2:], query, body)
                return self._send(404, {"message": "Not found."})

            def _create(self, query, body, token):
                try:
                    data = json.loads(body or b"{}")
                except ValueError:
                    return self._send(400, {"message": "Malformed request."})
                name = query.get("workflow_name") or data.get("workflow_name")
                spec = data.get("reana_specification")
                if not name or not isinstance(spec, dict):
                    return self._send(400, {"message": "Workflow name and REANA specification "
                                                       "are required."})
                workflow_type = (spec.get("workflow") or {}).get("type")
                if workflow_type not in ("serial", "cwl", "yadage", "snakemake"):
                    return self._send(400, {"message": f"Workflow type {workflow_type!r} "
                                                       "is not supported."})
                workflow = fake.create(token, name, spec)
                return self._send(201, {"message": "The workflow has been successfully created.",
                                        "workflow_id": workflow["id"],
                                        "workflow_name": workflow["name"]})

            def _start(self, workflow, body):
                if workflow["status"] != "created":
                    return self._send(409, {"message": f"Workflow {workflow['id']} could not be "
                                                       f"started because it is already "
                                                       f"{workflow['status']}."})
                try:
                    data = json.loads(body or b"{}")
                except ValueError:
                    return self._send(400, {"message": "Malformed request."})
                overrides = data.get("input_parameters") or {}
                unknown = sorted(set(overrides) - set(workflow["parameters"]))
                if unknown:
                    return self._send(400, {"message": f"Parameters {unknown} are not declared "
                                                       "in the specification."})
                workflow["parameters"].update(overrides)
                workflow["status"] = "queued"
                workflow["log"].append(f"{_now()} workflow queued with "
                                       f"{json.dumps(workflow['parameters'], sort_keys=True)}")
                return self._send(200, {"message": "Workflow submitted.",
                                        "workflow_id": workflow["id"],
                                        "workflow_name": workflow["name"], "status": "queued",
                                        "user": "", "run_number": str(workflow["run_number"])})

            def _set_status(self, workflow, status):
                if status == "stop":
                    if workflow["status"] not in ("queued", "running"):
                        return self._send(409, {"message": f"{workflow['name']} is not "
                                                           "running."})
                    workflow["status"] = "stopped"
                elif status == "deleted":
                    workflow["status"] = "deleted"
                    workflow["workspace"] = {}
                else:
                    return self._send(400, {"message": f"Unknown status {status!r}."})
                return self._send(200, {"message": f"Workflow successfully {workflow['status']}",
                                        "workflow_id": workflow["id"],
                                        "workflow_name": workflow["name"],
                                        "status": workflow["status"], "user": ""})

            def _workspace(self, workflow, method, rest, query, body):
                files = workflow["workspace"]
                if method == "GET" and not rest:
                    items = [{"name": name, "last-modified": workflow["created"],
                              "size": {"raw": len(data), "human_readable": f"{len(data)} Bytes"}}
                             for name, data in sorted(files.items())]
                    return self._send(200, {"items": items, "total": len(items), "page": 1,
                                            "size": len(items), "has_next": False,
                                            "has_prev": False})
                if method == "POST" and not rest:
                    name = query.get("file_name")
                    if not name or name.startswith("/") or ".." in name.split("/"):
                        return self._send(400, {"message": "Invalid file name."})
                    files[name] = body
                    return self._send(200, {"message": f"{name} has been successfully "
                                                       "uploaded."})
                path = "/".join(rest)
                if method == "GET" and path in files:
                    return self._send(200, files[path], "application/octet-stream")
                return self._send(404, {"message": f"{path} does not exist."})

            def do_GET(self):
                self._route("GET")

            def do_POST(self):
                self._route("POST")

            def do_PUT(self):
                self._route("PUT")

        return Handler


def start_reana(port=0):
    """A started fake REANA server."""
    return FakeReana(port)
