"""Workflows through the REST API, against the fake REANA server."""

import hashlib
import json

import pytest
from invenio_files_rest.models import ObjectVersion, ObjectVersionTag

from cap.modules.deposit.records.api import Deposit
from cap.modules.workflows.models import Workflow


def _draft_files(pid):
    deposit = Deposit.get_by_pid(pid)
    return {obj.key: obj for obj in ObjectVersion.get_by_bucket(deposit.bucket)}


def test_create_from_the_drafts_reana_yaml_and_its_inputs(flow):
    workflow = flow.create(name="higgs-fit")
    assert workflow["status"] == "created"
    assert workflow["run_number"] == 1
    assert workflow["engine"] == "serial"
    assert workflow["parameters"] == {"mass": 125, "width": 4, "fail": False}
    assert workflow["depid"] == flow.pid
    # The inputs went to the REANA workspace, with the draft's bytes.
    reana = flow.reana.workflows[workflow["reana_id"]]
    assert reana["workspace"] == {"code/fit.py": b"print('fit')\n",
                                  "data/events.csv": b"mass,events\n125,42\n"}
    assert reana["specification"]["outputs"]["files"] == ["results/table.json",
                                                          "results/summary.txt"]
    # The experiment token is used server-side and never shown.
    assert "token" not in json.dumps(workflow)
    assert all("access_token" not in path for _, path in flow.reana.requests)


def test_start_follow_finish_and_outputs_attached_with_tags_and_checksums(flow):
    workflow = flow.create(name="higgs-fit")
    answer = flow.call("post", f"/workflows/reana/{workflow['id']}/start",
                       body={"parameters": {"mass": 130}})
    assert answer.status_code == 200, answer.json
    assert answer.json["status"] == "queued"
    assert answer.json["parameters"]["mass"] == 130
    seen = [flow.call("get", f"/workflows/reana/{workflow['id']}/status").json["status"]
            for _ in range(3)]
    assert seen == ["pending", "running", "finished"]
    done = flow.call("get", f"/workflows/reana/{workflow['id']}").json
    assert done["finished"] is not None
    keys = {o["key"] for o in done["outputs"]}
    assert keys == {"higgs-fit/run-1/results/table.json", "higgs-fit/run-1/results/summary.txt"}
    files = _draft_files(flow.pid)
    table = files["higgs-fit/run-1/results/table.json"]
    workspace = flow.reana.workflows[workflow["reana_id"]]["workspace"]
    content = workspace["results/table.json"]
    assert table.file.checksum == f"md5:{hashlib.md5(content).hexdigest()}"
    assert json.loads(content)["parameters"]["mass"] == 130
    assert ObjectVersionTag.get_value(table, "workflow") == "higgs-fit"
    assert ObjectVersionTag.get_value(table, "run") == "1"
    listed = {o["key"]: o["checksum"] for o in done["outputs"]}
    assert listed["higgs-fit/run-1/results/table.json"] == table.file.checksum


def test_rerun_with_a_changed_parameter_keeps_both_runs(flow):
    first = flow.create(name="higgs-fit")
    flow.call("post", f"/workflows/reana/{first['id']}/start")
    flow.run_to_end(first["id"])
    answer = flow.call("post", f"/workflows/reana/{first['id']}/rerun",
                       body={"parameters": {"width": 6}})
    assert answer.status_code == 201, answer.json
    second = answer.json
    assert second["run_number"] == 2
    assert second["cloned_from"] == first["id"]
    assert second["parameters"] == {"mass": 125, "width": 6, "fail": False}
    third = flow.call("post", f"/workflows/reana/{second['id']}/rerun",
                           body={"parameters": {"mass": 140}}).json
    # REANA runs each rerun with all of its values, not only the changed ones.
    sent = flow.reana.workflows[third["reana_id"]]["parameters"]
    assert sent == {"mass": 140, "width": 6, "fail": False}
    assert flow.run_to_end(second["id"])["status"] == "finished"
    runs = flow.call("get", f"/workflows/all/record/{flow.pid}").json["hits"]
    assert runs["total"] == 3
    assert {(h["run_number"], h["parameters"]["width"]) for h in runs["hits"]} == {
        (1, 4), (2, 6), (3, 6)}
    keys = set(_draft_files(flow.pid))
    assert {"higgs-fit/run-1/results/table.json",
            "higgs-fit/run-2/results/table.json"} <= keys
    mine = flow.call("get", "/workflows/reana").json["hits"]
    assert {h["id"] for h in mine["hits"]} == {first["id"], second["id"], third["id"]}


def test_a_failing_run_is_failed_and_attaches_nothing(flow):
    workflow = flow.create(name="broken")
    flow.call("post", f"/workflows/reana/{workflow['id']}/start",
              body={"parameters": {"fail": True}})
    assert flow.run_to_end(workflow["id"])["status"] == "failed"
    logs = flow.call("get", f"/workflows/reana/{workflow['id']}/logs").json["logs"]
    assert "exit code 1" in logs["workflow_logs"]
    assert not any(key.startswith("broken/") for key in _draft_files(flow.pid))


def test_logs_workspace_list_upload_and_download(flow):
    workflow = flow.create(name="higgs-fit")
    wid = workflow["id"]
    logs = flow.call("get", f"/workflows/reana/{wid}/logs")
    assert logs.status_code == 200
    assert "created" in logs.json["logs"]["workflow_logs"]
    flow.add_file(flow.deposit, "notes/extra.txt", b"extra input")
    answer = flow.call("post", f"/workflows/reana/{wid}/files",
                       body={"keys": ["notes/extra.txt"]})
    assert answer.status_code == 200, answer.json
    names = {f["name"]: f["size"] for f in flow.call("get", f"/workflows/reana/{wid}/files")
             .json["files"]}
    assert names == {"code/fit.py": 13, "data/events.csv": 19, "notes/extra.txt": 11}
    download = flow.call("get", f"/workflows/reana/{wid}/files/notes/extra.txt")
    assert download.status_code == 200
    assert download.data == b"extra input"
    missing = flow.call("post", f"/workflows/reana/{wid}/files", body={"keys": ["nope.txt"]})
    assert missing.status_code == 400
    assert missing.json["errors"][0]["field"] == ["keys", "0"]


def test_stop_and_delete(flow):
    workflow = flow.create(name="higgs-fit")
    wid = workflow["id"]
    assert flow.call("post", f"/workflows/reana/{wid}/stop").status_code == 409
    flow.call("post", f"/workflows/reana/{wid}/start")
    # REANA stops only a running run: a queued one is its 409, with its message.
    queued = flow.call("post", f"/workflows/reana/{wid}/stop")
    assert queued.status_code == 409
    assert "is not running" in queued.json["message"]
    seen = [flow.call("get", f"/workflows/reana/{wid}/status").json["status"]
            for _ in range(2)]
    assert seen == ["pending", "running"]
    stopped = flow.call("post", f"/workflows/reana/{wid}/stop")
    assert stopped.status_code == 200
    assert stopped.json["status"] == "stopped"
    assert flow.reana.workflows[workflow["reana_id"]]["status"] == "stopped"
    assert flow.call("post", f"/workflows/reana/{wid}/start").status_code == 409
    assert flow.call("delete", f"/workflows/reana/{wid}").status_code == 204
    assert flow.reana.workflows[workflow["reana_id"]]["status"] == "deleted"
    assert flow.call("get", f"/workflows/reana/{wid}").status_code == 404


def test_specification_checked_before_it_is_sent(flow):
    bad = {"inputs": {"files": ["/etc/passwd"], "parameters": []},
           "workflow": {"type": "make"}, "outputs": {"files": "all"}}
    answer = flow.call("post", "/workflows/reana", body={"depid": flow.pid, "name": "x",
                                                         "specification": bad})
    assert answer.status_code == 400
    fields = {tuple(e["field"]) for e in answer.json["errors"]}
    assert fields == {("specification", "inputs", "files", "0"),
                      ("specification", "inputs", "parameters"),
                      ("specification", "workflow", "type"),
                      ("specification", "outputs", "files")}
    missing_input = {"inputs": {"files": ["code/absent.py"]},
                     "workflow": {"type": "serial",
                                  "specification": {"steps": [{"commands": ["true"]}]}}}
    answer = flow.call("post", "/workflows/reana", body={"depid": flow.pid, "name": "x",
                                                         "specification": missing_input})
    assert answer.status_code == 400
    assert answer.json["errors"][0]["field"] == ["specification", "inputs", "files", "0"]
    bad_name = flow.call("post", "/workflows/reana", body={"depid": flow.pid, "name": "a b"})
    assert bad_name.status_code == 400
    assert bad_name.json["errors"][0]["field"] == ["name"]
    assert flow.reana.workflows == {}
    assert Workflow.query.count() == 0


def test_unknown_parameter_override_names_it(flow):
    workflow = flow.create(name="higgs-fit")
    answer = flow.call("post", f"/workflows/reana/{workflow['id']}/start",
                       body={"parameters": {"mass": 130, "colour": "red"}})
    assert answer.status_code == 400
    assert answer.json["errors"] == [{"field": ["parameters", "colour"],
                                      "message": "is not a parameter of the specification."}]
    assert flow.reana.workflows[workflow["reana_id"]]["status"] == "created"


def test_specification_given_in_the_body(flow):
    spec = {"workflow": {"type": "serial",
                         "specification": {"steps": [{"commands": ["echo hi"]}]}},
            "outputs": {"files": ["out.txt"]}}
    answer = flow.call("post", "/workflows/reana", body={"depid": flow.pid, "name": "given",
                                                         "specification": spec})
    assert answer.status_code == 201
    assert answer.json["specification"] == spec
    assert flow.reana.workflows[answer.json["reana_id"]]["specification"] == spec


def test_specification_built_from_the_drafts_workflows_section(flow, complete):
    section = {"inputs": {"parameters": {"bins": 10}},
               "workflow": {"specification": {"steps": [{"commands": ["make fit"]}]}},
               "outputs": {"files": ["fit.json"]}}
    draft = flow.env.service.create(flow.users.owner.identity, {
        "$ana_type": "cms-analysis", "general_title": "Fit",
        "workflows": [{"name": "mass-fit", "type": "serial", "reana_spec": section}],
    })
    answer = flow.call("post", "/workflows/reana", body={"depid": draft.pid})
    assert answer.status_code == 201, answer.json
    assert answer.json["name"] == "mass-fit"
    assert answer.json["specification"]["workflow"]["type"] == "serial"
    assert answer.json["parameters"] == {"bins": 10}
    # A CMS draft runs with the CMS token.
    assert flow.reana.workflows[answer.json["reana_id"]]["token"] == "reana-cms-token"
    nothing = flow.env.service.create(flow.users.owner.identity,
                                      {"$ana_type": "generic", **complete})
    answer = flow.call("post", "/workflows/reana", body={"depid": nothing.pid})
    assert answer.status_code == 400
    assert answer.json["errors"][0]["field"] == ["specification"]


@pytest.mark.parametrize("mode", ["down", "garbage"])
def test_a_down_reana_is_a_clear_502_and_loses_nothing(flow, mode):
    workflow = flow.create(name="higgs-fit")
    flow.reana.mode = mode
    create = flow.call("post", "/workflows/reana", body={"depid": flow.pid, "name": "other"})
    assert create.status_code == 502
    assert "REANA" in create.json["message"]
    start = flow.call("post", f"/workflows/reana/{workflow['id']}/start",
                      body={"parameters": {"mass": 130}})
    assert start.status_code == 502
    assert start.json["status"] == 502
    assert flow.call("get", f"/workflows/reana/{workflow['id']}/status").status_code == 502
    # Nothing half-written: one run, still created, its parameters unchanged.
    rows = Workflow.query.all()
    assert [(r.name, r.status, r.parameters["mass"]) for r in rows] == [
        ("higgs-fit", "created", 125)]
    flow.reana.mode = "ok"
    again = flow.call("post", f"/workflows/reana/{workflow['id']}/start",
                      body={"parameters": {"mass": 130}})
    assert again.status_code == 200
    assert flow.run_to_end(workflow["id"])["status"] == "finished"


def test_outputs_of_a_run_finishing_while_reana_is_down_are_attached_later(flow):
    workflow = flow.create(name="higgs-fit")
    flow.call("post", f"/workflows/reana/{workflow['id']}/start")
    flow.call("get", f"/workflows/reana/{workflow['id']}/status")  # pending
    flow.call("get", f"/workflows/reana/{workflow['id']}/status")  # running
    flow.reana.mode = "down"
    assert flow.call("get", f"/workflows/reana/{workflow['id']}/status").status_code == 502
    flow.reana.mode = "ok"
    # REANA moved on to finished at the first read after it came back.
    assert flow.run_to_end(workflow["id"])["status"] == "finished"
    assert "higgs-fit/run-1/results/table.json" in _draft_files(flow.pid)


def test_beat_task_follows_unfinished_runs(flow, app):
    from cap.modules.workflows.tasks import follow_workflows

    workflow = flow.create(name="higgs-fit")
    flow.call("post", f"/workflows/reana/{workflow['id']}/start")
    assert follow_workflows.apply().get() == {"seen": 1, "failed": 0}  # pending
    flow.reana.mode = "down"
    assert follow_workflows.apply().get() == {"seen": 0, "failed": 1}
    flow.reana.mode = "ok"
    follow_workflows.apply().get()  # running
    follow_workflows.apply().get()  # finished
    row = Workflow.query.get(workflow["id"])
    assert row.status == "finished"
    assert {o["key"] for o in row.outputs} >= {"higgs-fit/run-1/results/table.json"}
    assert follow_workflows.apply().get() == {"seen": 0, "failed": 0}


def test_beat_task_stops_at_a_reana_that_is_down_and_skips_only_a_lost_run(flow):
    from cap.modules.workflows.tasks import follow_workflows

    runs = [flow.create(name="higgs-fit") for _ in range(3)]
    for run in runs:
        flow.call("post", f"/workflows/reana/{run['id']}/start")
    before = {r.id: (r.status, r.updated) for r in Workflow.query.all()}
    flow.reana.mode = "down"
    del flow.reana.requests[:]
    assert follow_workflows.apply().get() == {"seen": 0, "failed": 3}
    # One run's status asked (and retried), not every run's: the pass stopped there.
    statuses = [path for method, path in flow.reana.requests if path.endswith("/status")]
    assert len(statuses) == 1 + 1  # CAP_REANA_RETRIES=1
    assert len(set(statuses)) == 1
    assert {r.id: (r.status, r.updated) for r in Workflow.query.all()} == before
    flow.reana.mode = "ok"
    # A run REANA lost is that run's trouble only: the others move on.
    flow.reana.workflows[runs[0]["reana_id"]]["status"] = "deleted"
    assert follow_workflows.apply().get() == {"seen": 2, "failed": 1}
    assert [Workflow.query.get(r["id"]).status for r in runs] == ["queued", "pending",
                                                                   "pending"]


def test_a_run_reana_lost_is_a_clear_409_and_can_be_rerun_or_deleted(flow):
    workflow = flow.create(name="higgs-fit")
    flow.call("post", f"/workflows/reana/{workflow['id']}/start")
    flow.reana.workflows[workflow["reana_id"]]["status"] = "deleted"  # gone at REANA
    for method, url in (("get", "status"), ("get", "logs"), ("get", "files"),
                        ("post", "stop")):
        answer = flow.call(method, f"/workflows/reana/{workflow['id']}/{url}")
        assert answer.status_code == 409, (url, answer.json)
        assert answer.json["message"].startswith("REANA no longer has this run")
        assert "REANA_WORKON" not in answer.json["message"]  # reana-client's, not ours
    assert flow.call("get", f"/workflows/reana/{workflow['id']}").json["status"] == "queued"
    again = flow.call("post", f"/workflows/reana/{workflow['id']}/rerun")
    assert again.status_code == 201, again.json
    assert flow.call("delete", f"/workflows/reana/{workflow['id']}").status_code == 204
    assert flow.call("get", f"/workflows/reana/{workflow['id']}").status_code == 404


def test_runs_are_numbered_per_draft_whatever_reana_counts(flow):
    first = flow.create(name="higgs-fit")
    flow.call("post", f"/workflows/reana/{first['id']}/start")
    assert flow.run_to_end(first["id"])["status"] == "finished"
    # REANA counts again from 1 (another REANA, a new token) or is far ahead (the
    # token's other drafts): the draft's runs go on from its own last one.
    flow.reana.runs.clear()
    second = flow.create(name="higgs-fit")
    assert flow.reana.workflows[second["reana_id"]]["name"] == "higgs-fit.1"
    assert second["run_number"] == 2
    flow.call("post", f"/workflows/reana/{second['id']}/start", body={"parameters": {
        "mass": 130}})
    assert flow.run_to_end(second["id"])["status"] == "finished"
    flow.reana.runs = dict.fromkeys(flow.reana.runs, 41)
    assert flow.create(name="higgs-fit")["run_number"] == 3
    assert flow.create(name="other")["run_number"] == 1
    # Run 1's outputs are still the draft's, beside run 2's.
    files = _draft_files(flow.pid)
    assert json.loads(files["higgs-fit/run-1/results/table.json"].file.storage().open()
                      .read())["parameters"]["mass"] == 125
    assert "higgs-fit/run-2/results/table.json" in files


def test_readers_see_updaters_run_others_learn_nothing(flow):
    workflow = flow.create(name="higgs-fit")
    wid = workflow["id"]
    colleague, stranger, anonymous = (flow.users.colleague, flow.users.stranger,
                                      flow.users.anonymous)
    assert flow.call("get", f"/workflows/reana/{wid}", colleague).status_code == 200
    assert flow.call("get", f"/workflows/all/record/{flow.pid}", colleague).status_code == 200
    assert flow.call("post", f"/workflows/reana/{wid}/start", colleague).status_code == 403
    assert flow.call("post", "/workflows/reana", colleague,
                     body={"depid": flow.pid}).status_code == 403
    assert flow.call("get", f"/workflows/reana/{wid}", stranger).status_code == 404
    assert flow.call("post", f"/workflows/reana/{wid}/start", stranger).status_code == 404
    assert flow.call("get", f"/workflows/reana/{wid}", anonymous).status_code == 401
    assert flow.call("get", "/workflows/reana/not-a-uuid").status_code == 404
    assert flow.call("get", "/workflows/reana", stranger).json["hits"]["total"] == 0


def test_outputs_of_a_run_finishing_after_publish_are_attached_once_edited(flow):
    workflow = flow.create(name="higgs-fit")
    flow.call("post", f"/workflows/reana/{workflow['id']}/start")
    assert flow.call("post", f"/deposits/{flow.pid}/actions/publish").status_code == 202
    done = flow.run_to_end(workflow["id"])
    assert done["outputs"] == []
    assert "edit the draft" in done["error"]
    assert flow.call("post", f"/deposits/{flow.pid}/actions/edit").status_code == 201
    again = flow.call("get", f"/workflows/reana/{workflow['id']}/status").json
    assert again["error"] is None
    assert {o["key"] for o in again["outputs"]} == {"higgs-fit/run-1/results/table.json",
                                                   "higgs-fit/run-1/results/summary.txt"}
    assert "higgs-fit/run-1/results/table.json" in _draft_files(flow.pid)


def test_a_token_reana_refuses_is_a_502_for_the_administrators(flow):
    flow.reana.tokens = set()  # REANA revoked CAP's experiment token: "Token not valid."
    answer = flow.call("post", "/workflows/reana", body={"depid": flow.pid, "name": "fit"})
    assert answer.status_code == 502
    assert "refused CAP's access token" in answer.json["message"]
    assert Workflow.query.count() == 0
