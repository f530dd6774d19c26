"""Workflow tests: the app talks to a fake REANA server on 127.0.0.1."""

import io
import json
from types import SimpleNamespace

import pytest

REANA_YAML = b"""\
version: 0.9.3
inputs:
  files:
    - code/fit.py
    - data/events.csv
  parameters:
    mass: 125
    width: 4
    fail: false
workflow:
  type: serial
  specification:
    steps:
      - environment: 'docker.io/library/python:3.11-slim'
        commands:
          - python code/fit.py --mass ${mass} --width ${width} --data data/events.csv
outputs:
  files:
    - results/table.json
    - results/summary.txt
"""


@pytest.fixture(scope="module")
def app_config(app_config, reana_server):
    """REANA settings pointing at the fake; quick retries."""
    app_config.update(reana_server.config, CAP_REANA_TIMEOUT=2, CAP_REANA_RETRIES=1,
                      CAP_REANA_BACKOFF=0.01)
    return app_config


@pytest.fixture()
def reana(reana_server):
    """The fake, reset before and after each test."""
    reana_server.reset()
    yield reana_server
    reana_server.reset()


@pytest.fixture()
def flow(env, reana, complete, client, add_file):
    """A generic draft of ``owner`` holding reana.yaml and its inputs, shared
    read-only with ``colleague``; helpers to call the API as someone."""
    users = env.users
    deposit = env.service.create(users.owner.identity, {"$ana_type": "generic", **complete})
    for key, content in (("reana.yaml", REANA_YAML), ("code/fit.py", b"print('fit')\n"),
                         ("data/events.csv", b"mass,events\n125,42\n")):
        add_file(deposit, key, content)
    env.service.update_permissions(users.owner.identity, deposit.pid, [
        {"email": users.colleague.email, "type": "user", "op": "add", "action": "deposit-read"},
    ])

    def call(method, url, who=users.owner, body=None):
        headers = who.headers if hasattr(who, "headers") else {"Accept": "application/json"}
        data = json.dumps(body) if body is not None else None
        return getattr(client, method)(url, headers=headers, data=data)

    def create(**body):
        answer = call("post", "/workflows/reana", body={"depid": deposit.pid, **body})
        assert answer.status_code == 201, answer.json
        return answer.json

    def run_to_end(workflow_id, who=users.owner):
        """Read the status until REANA says the run is over."""
        for _ in range(6):
            answer = call("get", f"/workflows/reana/{workflow_id}/status", who)
            assert answer.status_code == 200, answer.json
            if answer.json["status"] in ("finished", "failed", "stopped"):
                return answer.json
        raise AssertionError("the run never finished")

    return SimpleNamespace(env=env, users=users, deposit=deposit, pid=deposit.pid, call=call,
                           create=create, run_to_end=run_to_end, reana=reana,
                           add_file=add_file, io=io)
