"""A fake REANA server (reana-server's REST API) on 127.0.0.1, for tests and the demo.

Follows reana-server 0.9.x (``reana_server/rest/workflows.py``; OpenAPI in
reana-commons' ``openapi_specifications/reana_server.json``) for the part
CAP calls, answers and refusals as reana-server gives them:

- ``GET /api/ping``: ``{message: "OK", status: "200"}``;
- ``GET /api/workflows?type=batch``: ``{items, total, page, size, has_next,
  has_prev, user_has_workflows}``;
- ``POST /api/workflows?workflow_name=``: the body *is* the REANA
  specification (reana.yaml as JSON); 201 ``{message, workflow_id,
  workflow_name: "<name>.<run>"}``. A name holding ``.`` is refused with 403
  (reana-commons' ``validate_workflow_name`` raises a ``ValueError``), a
  UUID name with 400, a body without ``workflow`` with 400 (``KeyError``),
  an unknown engine with 500 (reana-server raises a bare ``Exception``);
- ``POST /api/workflows/<id>/start``: ``{input_parameters,
  operational_options}``; 200 ``{message, workflow_id, workflow_name,
  status: "queued", run_number, user}``. A run that is not ``created`` is
  refused with 403 ("... is already <status> and cannot be started again."),
  and so is a ``restart`` key of a run not finished or failed; a parameter
  the specification does not declare with 400;
- ``GET /api/workflows/<id>/status``: ``{id, name, created, status,
  progress, user, logs}``;
- ``PUT /api/workflows/<id>/status?status=stop|deleted``: stop only a
  ``running`` run (409 "Workflow <id> is not running."), delete any but a
  ``running`` one (409);
- ``GET /api/workflows/<id>/logs``: ``{workflow_id, workflow_name, logs,
  user, live_logs_enabled}`` where ``logs`` is a JSON *string* of
  ``{workflow_logs, job_logs, engine_specific}``;
- ``GET /api/workflows/<id>/workspace`` (``{items: [{name, last-modified,
  size: {raw, human_readable}}], total, ...}``), ``POST`` of the same URL
  with ``?file_name=`` and an ``application/octet-stream`` body, and ``GET
  /api/workflows/<id>/workspace/<path>``.

Errors are ``{message}`` with reana-server's status codes: no
``access_token``: 401 "User not signed in"; an unknown one: 403 "Token not
valid."; an unknown workflow: 404 (403 on ``start``, which reana-server looks
up itself) with "REANA_WORKON is set to <id>, but that workflow does not
exist. ...".

Runs move one status each time theirs is read, as REANA's do: created ->
queued (start) -> pending -> running -> finished | failed, so a test decides
how far a run goes. A run whose parameters say ``"fail": true`` ends
``failed``. On finishing, the run "computes" its declared output files from
its parameters (a JSON table and a text summary): the same parameters give
the same bytes, so a rerun reproduces, and ``drift`` (added to every number)
makes one differ. ``mode``: ``"ok"``, ``"down"`` (503 everywhere),
``"garbage"`` (HTML instead of JSON); ``fail_next``: that many answers are
503 first.

``./scripts/run`` serves it as its demo REANA with a ``state_file``
(``var/demo-upstreams/reana.json``) that keeps the runs, their run numbers
and workspaces across restarts: a run CAP started before a restart of the
demo is still REANA's afterwards, as it would be on a real REANA.
"""

import base64
import json
import threading
import uuid
from datetime import UTC, datetime
from urllib.parse import parse_qs, unquote, urlparse

from .upstream import JSONHandler, ServedFake, StateFile

TOKENS = {"cms": "reana-cms-token", "atlas": "reana-atlas-token",
          "default": "reana-default-token"}
"""The demo's per-experiment REANA access tokens (not secrets)."""

PROGRESSION = ("queued", "pending", "running", "finished")
ENGINES = ("serial", "cwl", "yadage", "snakemake")
USER = "00000000-0000-0000-0000-000000000000"


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
    """State of the fake, shared with its handler; kept in ``state_file`` when given
    (the demo's: its runs and workspaces outlive a restart, as a real REANA's do)."""

    def __init__(self, port=0, state_file=None):
        """Serve on ``port``, with the runs ``state_file`` kept (if any)."""
        self.state_file = StateFile(state_file)
        super().__init__(port)
        with self.lock:
            self.load()

    def load(self):
        """The runs and run numbers of ``state_file`` back."""
        state = self.state_file.load()
        for workflow in state.get("workflows", []):
            workflow["workspace"] = {path: base64.b64decode(data)
                                     for path, data in workflow["workspace"].items()}
            self.workflows[workflow["id"]] = workflow
        self.runs.update({(token, name): run for token, name, run in state.get("runs", [])})

    def save(self):
        """Write the runs and run numbers to ``state_file`` (when there is one)."""
        if self.state_file.path is None:
            return
        workflows = [{**w, "workspace": {path: base64.b64encode(data).decode()
                                         for path, data in w["workspace"].items()}}
                     for w in self.workflows.values()]
        self.state_file.save({"workflows": workflows,
                              "runs": [[*key, run] for key, run in self.runs.items()]})

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
        """One step further along queued -> pending -> running -> finished|failed."""
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
        if following in ("finished", "failed"):
            workflow["ended"] = _now()
        workflow["log"].append(f"{_now()} workflow {following}")

    def summary(self, workflow):
        """A workflow as REANA's status and list answers show it."""
        steps = len(((workflow["specification"].get("workflow") or {}).get("specification")
                     or {}).get("steps") or []) or 1
        status = workflow["status"]
        done = steps if status == "finished" else 0
        started = workflow.get("started")
        return {
            "id": workflow["id"], "name": workflow["name"], "created": workflow["created"],
            "status": status, "user": USER, "logs": "",
            "progress": {
                "total": {"total": steps, "job_ids": []},
                "running": {"total": 1 if status == "running" else 0, "job_ids": []},
                "finished": {"total": done, "job_ids": []},
                "failed": {"total": 1 if status == "failed" else 0, "job_ids": []},
                "current_command": None, "current_step_name": None,
                "run_started_at": started,
                "run_finished_at": workflow.get("ended") if status in ("finished", "failed")
                else None,
                "run_stopped_at": workflow.get("ended") if status == "stopped" else None,
            },
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
                if not url.path.startswith("/api/workflows"):
                    return self._send(404, {"message": "Not found."})
                token = query.get("access_token")
                if token is None:
                    return self._send(401, {"message": "User not signed in"})
                if token not in fake.tokens:
                    return self._send(403, {"message": "Token not valid."})
                parts = [unquote(p) for p in url.path.split("/")[3:]]  # after /api/workflows
                with fake.lock:
                    self._workflows(method, parts, query, body, token)
                    fake.save()  # a status read moves a run on too

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
                action = parts[1] if len(parts) > 1 else ""
                workflow = fake.workflows.get(parts[0]) if parts else None
                if workflow is None or workflow["token"] != token or (
                    workflow["status"] == "deleted"
                ):
                    name = parts[0] if parts else ""
                    # reana-server looks a run up itself on start (a ValueError: 403);
                    # elsewhere the workflow controller answers 404.
                    return self._send(403 if action == "start" else 404, {
                        "message": f"REANA_WORKON is set to {name}, but that workflow does "
                                   "not exist. Please set your REANA_WORKON environment "
                                   "variable appropriately."})
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
                                            "logs": json.dumps(logs), "user": USER,
                                            "live_logs_enabled": False})
                if action == "workspace":
                    return self._workspace(workflow, method, parts[2:], query, body)
                return self._send(404, {"message": "Not found."})

            def _json(self, body):
                try:
                    return json.loads(body or b"{}")
                except ValueError:
                    return None

            def _create(self, query, body, token):
                spec = self._json(body)
                if not isinstance(spec, dict) or not spec:
                    return self._send(500, {"message": "Either remote repository or REANA "
                                                       "specification needs to be provided"})
                name = query.get("workflow_name", "")
                if "." in name:
                    return self._send(403, {"message": f"Workflow name {name} contains "
                                                       "illegal character \".\""})
                try:
                    uuid.UUID(name, version=4)
                except ValueError:
                    pass
                else:
                    return self._send(400, {"message": "Workflow name cannot be a valid "
                                                       "UUIDv4."})
                if not isinstance(spec.get("workflow"), dict):
                    return self._send(400, {"message": "'workflow'"})
                if spec["workflow"].get("type") not in ENGINES:
                    return self._send(500, {"message": "Unknown workflow type."})
                workflow = fake.create(token, name, spec)
                return self._send(201, {"message": "The workflow has been successfully created.",
                                        "workflow_id": workflow["id"],
                                        "workflow_name": workflow["name"]})

            def _start(self, workflow, body):
                data = self._json(body)
                if not isinstance(data, dict):
                    return self._send(400, {"message": "Malformed request."})
                if "restart" in data:
                    if workflow["status"] not in ("finished", "failed"):
                        return self._send(403, {"message": "Only finished or failed workflows "
                                                           "can be restarted."})
                    return self._send(501, {"message": "The fake REANA does not restart runs."})
                if workflow["status"] != "created":
                    return self._send(403, {"message": f"Workflow {workflow['name']} is already "
                                                       f"{workflow['status']} and cannot be "
                                                       "started again."})
                overrides = data.get("input_parameters") or {}
                for key in overrides:
                    if key not in workflow["parameters"]:
                        return self._send(400, {"message": f"Input parameter {key} is not "
                                                           "present in reana.yaml"})
                workflow["parameters"].update(overrides)
                workflow["status"] = "queued"
                workflow["started"] = _now()
                workflow["log"].append(f"{_now()} workflow queued with "
                                       f"{json.dumps(workflow['parameters'], sort_keys=True)}")
                return self._send(200, {"message": "Workflow submitted.",
                                        "workflow_id": workflow["id"],
                                        "workflow_name": workflow["name"].rsplit(".", 1)[0],
                                        "status": "queued", "user": USER,
                                        "run_number": workflow["run_number"]})

            def _set_status(self, workflow, status):
                if status == "stop":
                    if workflow["status"] != "running":
                        return self._send(409, {"message": f"Workflow {workflow['id']} is not "
                                                           "running."})
                    workflow["status"] = "stopped"
                    workflow["ended"] = _now()
                    message = "Workflow successfully stopped."
                elif status == "deleted":
                    if workflow["status"] == "running":
                        return self._send(409, {"message": f"Workflow {workflow['name']} cannot "
                                                           "be deleted as it is currently "
                                                           "running."})
                    workflow["status"] = "deleted"
                    workflow["workspace"] = {}
                    message = "Workflow successfully deleted"
                else:
                    return self._send(400, {"message": f"Status {status} is not one of: "
                                                       "start, stop, deleted."})
                return self._send(200, {"message": message, "workflow_id": workflow["id"],
                                        "workflow_name": workflow["name"],
                                        "status": workflow["status"], "user": USER})

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
                    if not name:
                        return self._send(400, {"message": "No file_name provided"})
                    content_type = self.headers.get("Content-Type") or ""
                    if "application/octet-stream" not in content_type:
                        return self._send(400, {"message": f"Wrong Content-Type {content_type} "
                                                           "use application/octet-stream"})
                    if name.startswith("/") or ".." in name.split("/"):
                        return self._send(400, {"message": f"{name} is not a valid path."})
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


def start_reana(port=0, state_file=None):
    """A started fake REANA server (its runs kept in ``state_file``, if given)."""
    return FakeReana(port, state_file)
