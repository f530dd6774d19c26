"""Reproducibility check: rerun a published record's workflow and compare."""

import json

from cap.modules.workflows.compare import compare_file, md5


def _published_with_a_run(flow):
    workflow = flow.create(name="higgs-fit")
    flow.call("post", f"/workflows/reana/{workflow['id']}/start",
              body={"parameters": {"mass": 130}})
    flow.run_to_end(workflow["id"])
    published = flow.call("post", f"/deposits/{flow.pid}/actions/publish")
    assert published.status_code == 202, published.json
    return workflow, flow.env.service.read(flow.users.owner.identity, flow.pid).recid


def test_rerun_reproduces_the_preserved_outputs_and_the_badge_says_so(flow):
    source, recid = _published_with_a_run(flow)
    badge = flow.call("get", f"/workflows/reproduce/{recid}")
    assert badge.status_code == 200
    assert badge.json["status"] == "never"
    assert badge.json["can_reproduce"] is True  # the owner may rerun it
    answer = flow.call("post", f"/workflows/reproduce/{recid}")
    assert answer.status_code == 201, answer.json
    rerun = answer.json
    assert rerun["recid"] == str(recid)
    assert rerun["cloned_from"] == source["id"]
    assert rerun["parameters"]["mass"] == 130  # the preserved run's parameters
    assert flow.call("get", f"/workflows/reproduce/{recid}").json["status"] == "running"
    flow.run_to_end(rerun["id"])
    badge = flow.call("get", f"/workflows/reproduce/{recid}").json
    assert badge["status"] == "reproduced"
    assert badge["date"]
    assert badge["differences"] == []
    assert badge["workflow"]["comparison"]["compared"] == 2
    # A reader of the record (CMS colleague of no grant) sees the badge too, not
    # offered the rerun (403 for them).
    seen = flow.call("get", f"/workflows/reproduce/{recid}", flow.users.colleague)
    assert seen.status_code == 200 and seen.json["status"] == "reproduced"
    assert seen.json["can_reproduce"] is False


def test_small_numeric_drift_is_within_tolerance_but_larger_differs(flow, app):
    _, recid = _published_with_a_run(flow)
    flow.reana.drift = 1e-9
    rerun = flow.call("post", f"/workflows/reproduce/{recid}").json
    flow.run_to_end(rerun["id"])
    badge = flow.call("get", f"/workflows/reproduce/{recid}").json
    assert badge["status"] == "reproduced"  # bytes differ, values within 1e-6
    flow.reana.drift = 0.5
    rerun = flow.call("post", f"/workflows/reproduce/{recid}").json
    flow.run_to_end(rerun["id"])
    badge = flow.call("get", f"/workflows/reproduce/{recid}").json
    assert badge["status"] == "differs"
    table = next(d for d in badge["differences"] if d["file"] == "results/table.json")
    assert table["reason"] == "values differ beyond the tolerance"
    assert {"path": "/signal_strength"}.items() <= table["values"][-1].items()


def test_reproduction_needs_the_update_right_and_a_preserved_run(flow, complete):
    _, recid = _published_with_a_run(flow)
    assert flow.call("post", f"/workflows/reproduce/{recid}",
                     flow.users.colleague).status_code == 403
    assert flow.call("post", f"/workflows/reproduce/{recid}",
                     flow.users.stranger).status_code == 404
    bare = flow.env.service.create(flow.users.owner.identity,
                                   {"$ana_type": "generic", **complete})
    bare = flow.env.service.publish(flow.users.owner.identity, bare.pid)
    answer = flow.call("post", f"/workflows/reproduce/{bare.recid}")
    assert answer.status_code == 409
    assert "preserves no outputs" in answer.json["message"]


def test_compare_file():
    old = json.dumps({"a": 1.0, "rows": [1, 2.5], "label": "x"}).encode()
    assert compare_file("t.json", md5(old), old, old, 1e-6) is None
    near = json.dumps({"a": 1.0000000001, "rows": [1, 2.5], "label": "x"}).encode()
    assert compare_file("t.json", md5(old), near, old, 1e-6) is None
    far = json.dumps({"a": 1.1, "rows": [1, 2.5], "label": "y"}).encode()
    found = compare_file("t.json", md5(old), far, old, 1e-6)
    assert [v["path"] for v in found["values"]] == ["/a", "/label"]
    yaml_old, yaml_new = b"x: 1.0\n", b"x: 1.0000000001\n"
    assert compare_file("t.yaml", md5(yaml_old), yaml_new, yaml_old, 1e-6) is None
    assert compare_file("t.txt", md5(b"a"), b"b", b"a", 1e-6)["reason"] == "checksum differs"
