"""What one simulated physicist does on CAP, for ``benchmarks/bench_load.py``.

Each user holds a personal token (``CAP_LOAD_TOKENS``, one picked per user)
and, with a think time of 1-3 s between actions, browses the dashboard,
searches drafts and records, creates drafts, edits and uploads into the
ones it created, and publishes some. Requests are grouped by type in the
statistics (``name=``), whatever their ids. Run by ``bench_load.py``
(headless, bounded, against loopback); not meant to be run by hand.
"""

import itertools
import json
import os
import random
from urllib.parse import urlsplit

from locust import HttpUser, between, task

TOKENS = os.environ["CAP_LOAD_TOKENS"].split(",")
QUERIES = json.loads(os.environ["CAP_LOAD_QUERIES"])
_next_token = itertools.cycle(TOKENS)
UPLOAD = os.urandom(64 * 1024)  # one 64 KiB file, sent again and again


def draft_body(n):
    """A complete generic draft (it passes publish validation)."""
    title = f"Load test analysis {n}"
    return {"$ana_type": "generic", "general_title": title, "title": title,
            "description": "Measured under load.", "keywords": ["load", "test"],
            "people": [{"name": "A. Physicist", "email": "load@cern.ch"}]}


class Physicist(HttpUser):
    """One simulated user; the weights give the mix of request types."""

    wait_time = between(1, 3)

    def on_start(self):
        self.client.headers.update({"Authorization": f"Bearer {next(_next_token)}",
                                    "Accept": "application/json"})
        self.drafts = []  # (pid, bucket url) of drafts this user created, unpublished
        self.created = 0

    def _json(self, method, path, name, body=None, ok=(200,)):
        with self.client.request(method, path, name=name, json=body,
                                 catch_response=True) as answer:
            if answer.status_code not in ok:
                answer.failure(f"{answer.status_code}: {answer.text[:200]}")
                return None
            return answer.json()

    @task(4)
    def dashboard(self):
        self._json("GET", "/api/dashboard", "dashboard")

    @task(6)
    def search(self):
        path, params = random.choice(QUERIES)
        with self.client.get(f"/api{path}", params=params, name=f"search {path}",
                             catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"{answer.status_code}: {answer.text[:200]}")

    @task(2)
    def create(self):
        self.created += 1
        draft = self._json("POST", "/api/deposits/", "create", draft_body(self.created),
                           ok=(201,))
        if draft:
            # The link names the configured site; the path is what counts here.
            self.drafts.append((draft["id"], urlsplit(draft["links"]["bucket"]).path))

    @task(3)
    def edit(self):
        if not self.drafts:
            return self.create()
        pid, _ = random.choice(self.drafts)
        body = draft_body(self.created)
        body.pop("$ana_type")
        body["description"] = f"Edited {random.random()}"
        self._json("PUT", f"/api/deposits/{pid}", "edit", body)

    @task(2)
    def upload(self):
        if not self.drafts:
            return self.create()
        _, bucket = random.choice(self.drafts)
        key = f"data-{random.randrange(10**6)}.root"
        with self.client.put(f"{bucket}/{key}", data=UPLOAD, name="upload",
                             headers={"Content-Type": "application/octet-stream"},
                             catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"{answer.status_code}: {answer.text[:200]}")

    @task(1)
    def publish(self):
        if not self.drafts:
            return self.create()
        pid, _ = self.drafts.pop(random.randrange(len(self.drafts)))
        self._json("POST", f"/api/deposits/{pid}/actions/publish", "publish", ok=(202,))
