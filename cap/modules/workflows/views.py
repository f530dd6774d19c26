"""HTTP of the workflows: parse, one service call with ``g.identity``, serialize.

Routes follow legacy CAP's ``/workflows/reana/...`` where it had them. The
REANA access token never appears in an answer.
"""

from flask import Blueprint, Response, g, jsonify

from ..core.errors import InvalidRequestError, field_error, register_error_handlers
from ..records.resources.http import parse_json_body
from .proxies import current_workflow_service as service


def _iso(value):
    return value.isoformat() if value else None


def dump_workflow(workflow):
    """A workflow run as the API shows it."""
    return {
        "id": str(workflow.id),
        "name": workflow.name,
        "run_number": workflow.run_number,
        "depid": workflow.depid,
        "recid": workflow.recid,
        "engine": workflow.engine,
        "status": workflow.status,
        "parameters": workflow.parameters,
        "specification": workflow.specification,
        "outputs": workflow.outputs or [],
        "comparison": workflow.comparison,
        "error": workflow.error,
        "cloned_from": str(workflow.cloned_from) if workflow.cloned_from else None,
        "reana_id": workflow.reana_id,
        "created": _iso(workflow.created),
        "updated": _iso(workflow.updated),
        "finished": _iso(workflow.finished),
        "links": {
            "self": f"/api/workflows/reana/{workflow.id}",
            "status": f"/api/workflows/reana/{workflow.id}/status",
            "logs": f"/api/workflows/reana/{workflow.id}/logs",
            "files": f"/api/workflows/reana/{workflow.id}/files",
        },
    }


def _list(workflows):
    return jsonify({"hits": {"hits": [dump_workflow(w) for w in workflows],
                             "total": len(workflows)}}), 200


def _parameters(body):
    return (body or {}).get("parameters") if isinstance(body, dict) else body


def create():
    """``POST /workflows/reana {depid|pid, name|workflow_name, specification?}``."""
    body = parse_json_body()
    if not isinstance(body, dict):
        raise InvalidRequestError("The body must be a JSON object.")
    depid = body.get("depid") or body.get("pid")
    if not isinstance(depid, str) or not depid:
        message = "depid (the draft's id) is required."
        raise InvalidRequestError(message, [field_error(["depid"], message)])
    data = {"name": body.get("name") or body.get("workflow_name"),
            "specification": body.get("specification") or body.get("workflow_json")}
    return jsonify(dump_workflow(service.create(g.identity, depid, data))), 201


def my_workflows():
    """``GET /workflows/reana``: the caller's runs."""
    return _list(service.list_for_user(g.identity))


def deposit_workflows(depid):
    """``GET /workflows/all/record/<depid>``: the draft's runs."""
    return _list(service.list_for_deposit(g.identity, depid))


def read(workflow_id):
    """One run as last seen."""
    return jsonify(dump_workflow(service.read(g.identity, workflow_id))), 200


def status(workflow_id):
    """The run's status, read from REANA now (outputs attached when finished)."""
    return jsonify(dump_workflow(service.refresh(g.identity, workflow_id))), 200


def logs(workflow_id):
    """REANA's logs of the run."""
    return jsonify({"id": workflow_id, "logs": service.logs(g.identity, workflow_id)}), 200


def start(workflow_id):
    """``POST .../start {parameters?}``."""
    parameters = _parameters(parse_json_body(required=False))
    return jsonify(dump_workflow(service.start(g.identity, workflow_id, parameters))), 200


def stop(workflow_id):
    """``POST .../stop``."""
    return jsonify(dump_workflow(service.stop(g.identity, workflow_id))), 200


def delete(workflow_id):
    """``DELETE /workflows/reana/<id>``."""
    service.delete(g.identity, workflow_id)
    return "", 204


def rerun(workflow_id):
    """``POST .../rerun {parameters?}``: a new run with changed parameters."""
    parameters = _parameters(parse_json_body(required=False))
    return jsonify(dump_workflow(service.rerun(g.identity, workflow_id, parameters))), 201


def files(workflow_id):
    """The run's workspace files."""
    return jsonify({"id": workflow_id, "files": service.list_files(g.identity, workflow_id)})


def upload(workflow_id):
    """``POST .../files {keys: [...]}``: the draft's files copied to the workspace."""
    body = parse_json_body()
    keys = body.get("keys") if isinstance(body, dict) else None
    return jsonify({"id": workflow_id, "uploaded": service.upload(g.identity, workflow_id,
                                                                  keys)}), 200


def download(workflow_id, path):
    """One workspace file's bytes."""
    content = service.download(g.identity, workflow_id, path)
    name = path.rsplit("/", 1)[-1].replace('"', "")
    return Response(content, mimetype="application/octet-stream",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def reproduce(recid):
    """``POST /workflows/reproduce/<recid>``: rerun the record's workflow."""
    return jsonify(dump_workflow(service.reproduce(g.identity, recid))), 201


def reproducibility(recid):
    """``GET /workflows/reproduce/<recid>``: the record's badge data."""
    badge = service.reproducibility(g.identity, recid)
    workflow = badge.pop("workflow")
    badge["workflow"] = dump_workflow(workflow) if workflow is not None else None
    return jsonify(badge), 200


ROUTES = (
    ("/workflows/reana", "create", create, "POST"),
    ("/workflows/reana", "mine", my_workflows, "GET"),
    ("/workflows/all/record/<depid>", "of_deposit", deposit_workflows, "GET"),
    ("/workflows/reana/<workflow_id>", "read", read, "GET"),
    ("/workflows/reana/<workflow_id>", "delete", delete, "DELETE"),
    ("/workflows/reana/<workflow_id>/status", "status", status, "GET"),
    ("/workflows/reana/<workflow_id>/logs", "logs", logs, "GET"),
    ("/workflows/reana/<workflow_id>/start", "start", start, "POST"),
    ("/workflows/reana/<workflow_id>/stop", "stop", stop, "POST"),
    ("/workflows/reana/<workflow_id>/rerun", "rerun", rerun, "POST"),
    ("/workflows/reana/<workflow_id>/files", "files", files, "GET"),
    ("/workflows/reana/<workflow_id>/files", "upload", upload, "POST"),
    ("/workflows/reana/<workflow_id>/files/<path:path>", "download", download, "GET"),
    ("/workflows/reproduce/<recid>", "reproduce", reproduce, "POST"),
    ("/workflows/reproduce/<recid>", "reproducibility", reproducibility, "GET"),
)


def create_blueprint(app):
    """Blueprint of the workflow endpoints."""
    blueprint = Blueprint("cap_workflows", __name__)
    for rule, endpoint, view, method in ROUTES:
        blueprint.add_url_rule(rule, endpoint, view, methods=[method])
    register_error_handlers(blueprint)
    return blueprint
