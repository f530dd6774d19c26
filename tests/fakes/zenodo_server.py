"""A fake Zenodo REST API on 127.0.0.1: the deposition API CAP uses.

Shaped like zenodo.org/api (developers.zenodo.org): create a deposition
(``POST /deposit/depositions``), upload through its bucket (``PUT
/files/<bucket>/<key>``), set metadata (``PUT /deposit/depositions/<id>``),
publish (``POST .../actions/publish``: a DOI under ``10.5072``, the test
prefix), new version (``POST .../actions/newversion``: a draft under the same
concept, ``links.latest_draft``, files inherited), delete a file, and read
published records (``GET /records/<id>``). Every call needs ``Authorization:
Bearer <TOKEN>`` (the instance's personal token) or a token of the OAuth
provider (invenio-oauth2server's: ``GET /oauth/authorize``, ``POST
/oauth/token`` for codes and refresh tokens, whose answer names the user;
tokens live 3600 s; no revocation endpoint); each deposition remembers
whose it is (``owner``: ``instance`` or the account's login). Publishing
checks the metadata Zenodo requires (a license for open or embargoed
access). ``mode = "down"`` answers 503; ``calls`` lists ``(method, path)``.
"""

import hashlib
import itertools
import json
import re
import threading

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from fakes.oauth import FakeOAuth

TOKEN = "zenodo-test-token"
DOI_PREFIX = "10.5072/zenodo"
REQUIRED = ("upload_type", "title", "creators", "description")
LICENSED_ACCESS = ("open", "embargoed")
"""``access_right`` values for which Zenodo requires a ``license``."""
DEMO_LOGIN = "sandersson"
USER_IDS = {DEMO_LOGIN: "7431"}
"""Zenodo user ids of the accounts that approve OAuth requests."""


class FakeZenodo:
    """State of the fake: depositions, buckets, published records."""

    def __init__(self, port=0):
        """Serve on ``port`` (0: a free one)."""
        self.reset()
        self.server = make_server("127.0.0.1", port, self.wsgi, threaded=True)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def reset(self):
        """No depositions, good behaviour."""
        self.depositions, self.buckets, self.records = {}, {}, {}
        self.ids = itertools.count(1001)
        self.mode = "ok"
        self.calls = []
        self.lock = threading.Lock()
        self.oauth = FakeOAuth("zen_", expires_in=3600)
        self.oauth.login = DEMO_LOGIN

    @property
    def oauth_url(self):
        """``oauth_url`` of CAP's linked Zenodo accounts."""
        return f"{self.url}/oauth"

    @property
    def config(self):
        """App settings pointing CAP at this fake."""
        return {"CAP_ZENODO_API_URL": f"{self.url}/api", "CAP_ZENODO_TOKEN": TOKEN}

    def stop(self):
        """Shut the server down."""
        self.server.shutdown()

    # The API ----------------------------------------------------------------
    def wsgi(self, environ, start_response):
        """Log and answer one request."""
        request = Request(environ)
        self.calls.append((request.method, request.path))
        owner = "instance" if request.headers.get("Authorization") == f"Bearer {TOKEN}" \
            else self.oauth.user_of(request)
        if self.mode == "down":
            response = Response("upstream unavailable", status=503)
        elif request.path.startswith("/oauth/"):
            with self.lock:
                response = self.route_oauth(request)
        elif owner is None:
            response = _json(401, {"status": 401, "message": "The server could not verify "
                                   "that you are authorized to access the URL requested."})
        else:
            with self.lock:
                self.owner = owner
                status, body = self.route(request)
            response = _json(status, body)
        return response(environ, start_response)

    def route_oauth(self, request):
        """invenio-oauth2server's authorize and token endpoints."""
        if request.path == "/oauth/authorize":
            return self.oauth.authorize(request)
        if request.path == "/oauth/token" and request.method == "POST":
            ok, body = self.oauth.exchange(request.form)
            if not ok:
                return _json(401 if body["error"] == "invalid_client" else 400, body)
            login = self.oauth.tokens[body["access_token"]]
            return _json(200, {**body, "token_type": "Bearer",
                               "user": {"id": USER_IDS[login]}})
        return _json(404, {"status": 404, "message": "The requested URL was not found."})

    def route(self, request):
        """``(status, body)`` of the API proper."""
        path, method = request.path.removeprefix("/api"), request.method
        routes = [
            ("POST", r"/deposit/depositions", self.create),
            ("GET", r"/deposit/depositions/(\d+)", self.get_deposition),
            ("PUT", r"/deposit/depositions/(\d+)", self.update),
            ("POST", r"/deposit/depositions/(\d+)/actions/publish", self.publish),
            ("POST", r"/deposit/depositions/(\d+)/actions/newversion", self.new_version),
            ("DELETE", r"/deposit/depositions/(\d+)/files/([\w-]+)", self.delete_file),
            ("PUT", r"/files/([\w-]+)/(.+)", self.upload),
            ("GET", r"/records/(\d+)", self.get_record),
        ]
        for verb, pattern, handler in routes:
            match = re.fullmatch(pattern, path)
            if match and verb == method:
                return handler(request, *match.groups())
        return 404, {"status": 404, "message": "The requested URL was not found."}

    def _deposition(self, dep_id, concept=None):
        bucket = f"bucket-{dep_id}"
        self.buckets.setdefault(bucket, {})
        base = f"{self.url}/api/deposit/depositions/{dep_id}"
        return {
            "id": dep_id, "conceptrecid": str(concept or dep_id - 1), "state": "unsubmitted",
            "submitted": False, "metadata": {
                "prereserve_doi": {"doi": f"{DOI_PREFIX}.{dep_id}", "recid": dep_id}},
            "links": {"self": base, "bucket": f"{self.url}/api/files/{bucket}",
                      "publish": f"{base}/actions/publish",
                      "newversion": f"{base}/actions/newversion",
                      "html": f"{self.url}/deposit/{dep_id}"},
            "bucket": bucket,
        }

    def _shown(self, deposition):
        files = [{"id": f["id"], "filename": key, "filesize": f["size"], "checksum": f["md5"]}
                 for key, f in self.buckets[deposition["bucket"]].items()]
        return {k: v for k, v in deposition.items() if k not in ("bucket", "owner")} \
            | {"files": files}

    def create(self, request):
        dep_id = next(self.ids)
        deposition = self._deposition(dep_id)
        deposition["owner"] = self.owner
        body = request.get_json(silent=True) or {}
        deposition["metadata"].update(body.get("metadata") or {})
        self.depositions[dep_id] = deposition
        return 201, self._shown(deposition)

    def get_deposition(self, request, dep_id):
        deposition = self.depositions.get(int(dep_id))
        if deposition is None:
            return 404, {"status": 404, "message": "PID does not exist."}
        return 200, self._shown(deposition)

    def update(self, request, dep_id):
        deposition = self.depositions.get(int(dep_id))
        if deposition is None:
            return 404, {"status": 404, "message": "PID does not exist."}
        if deposition["submitted"]:
            return 400, {"status": 400, "message": "Deposition is published: edit it first."}
        metadata = (request.get_json(silent=True) or {}).get("metadata") or {}
        deposition["metadata"] = {"prereserve_doi": deposition["metadata"]["prereserve_doi"],
                                  **metadata}
        return 200, self._shown(deposition)

    def upload(self, request, bucket, key):
        if bucket not in self.buckets:
            return 404, {"status": 404, "message": "Bucket does not exist."}
        owner = next(d for d in self.depositions.values() if d["bucket"] == bucket)
        if owner["submitted"]:
            return 403, {"status": 403, "message": "Bucket is locked: the deposition is published."}
        data = request.get_data()
        md5 = hashlib.md5(data).hexdigest()  # noqa: S324 (what Zenodo reports)
        self.buckets[bucket][key] = {"id": f"file-{md5[:12]}-{len(self.buckets[bucket])}",
                                     "size": len(data), "md5": md5, "data": data}
        return 201, {"key": key, "size": len(data), "checksum": f"md5:{md5}",
                     "links": {"self": f"{self.url}/api/files/{bucket}/{key}"}}

    def delete_file(self, request, dep_id, file_id):
        deposition = self.depositions.get(int(dep_id))
        if deposition is None:
            return 404, {"status": 404, "message": "PID does not exist."}
        files = self.buckets[deposition["bucket"]]
        key = next((k for k, f in files.items() if f["id"] == file_id), None)
        if key is None:
            return 404, {"status": 404, "message": "File does not exist."}
        del files[key]
        return 204, None

    def publish(self, request, dep_id):
        deposition = self.depositions.get(int(dep_id))
        if deposition is None:
            return 404, {"status": 404, "message": "PID does not exist."}
        metadata = deposition["metadata"]
        errors = [{"field": f"metadata.{name}", "message": "Field is required."}
                  for name in REQUIRED if not metadata.get(name)]
        if metadata.get("access_right", "open") in LICENSED_ACCESS and not metadata.get("license"):
            errors.append({"field": "metadata.license", "message": "Field is required."})
        if not self.buckets[deposition["bucket"]]:
            errors.append({"field": "files", "message": "Minimum one file must be provided."})
        if errors:
            return 400, {"status": 400, "message": "Validation error.", "errors": errors}
        doi = metadata["prereserve_doi"]["doi"]
        concept_doi = f"{DOI_PREFIX}.{deposition['conceptrecid']}"
        deposition.update(state="done", submitted=True, doi=doi, conceptdoi=concept_doi,
                          doi_url=f"https://doi.org/{doi}", record_id=deposition["id"])
        deposition["links"]["record_html"] = f"{self.url}/records/{deposition['id']}"
        self.records[deposition["id"]] = deposition
        return 202, self._shown(deposition)

    def new_version(self, request, dep_id):
        old = self.depositions.get(int(dep_id))
        if old is None or not old["submitted"]:
            return 404, {"status": 404, "message": "No published deposition to version."}
        new_id = next(self.ids)
        draft = self._deposition(new_id, concept=old["conceptrecid"])
        draft["owner"] = self.owner
        draft["metadata"].update({k: v for k, v in old["metadata"].items()
                                  if k != "prereserve_doi"})
        self.buckets[draft["bucket"]] = {
            key: {**f, "id": f"{f['id']}-v{new_id}"}
            for key, f in self.buckets[old["bucket"]].items()}
        self.depositions[new_id] = draft
        shown = self._shown(old)
        shown["links"] = {**shown["links"], "latest_draft": draft["links"]["self"]}
        return 201, shown

    def get_record(self, request, rec_id):
        record = self.records.get(int(rec_id))
        if record is None:
            return 404, {"status": 404, "message": "PID does not exist."}
        shown = self._shown(record)
        return 200, {"id": record["id"], "doi": record["doi"], "conceptdoi": record["conceptdoi"],
                     "conceptrecid": record["conceptrecid"], "metadata": shown["metadata"],
                     "files": shown["files"], "links": {"html": record["links"]["record_html"]}}


def _json(status, body):
    if body is None:
        return Response(status=status)
    return Response(json.dumps(body), status=status, content_type="application/json")


def start_zenodo(port=0):
    """A running fake (stop it with ``.stop()``)."""
    return FakeZenodo(port)
