"""``GET /records/<recid>/export/package``: the record's package, a zipped bag;
``POST .../export/package/builds`` builds it in the background (large records),
``GET .../builds/<id>`` follows it and ``GET .../builds/<id>/file`` downloads it."""

import shutil
import tempfile
from pathlib import Path

from flask import Blueprint, g, jsonify, request, send_file

from ..core.db import read_only
from ..core.errors import InvalidRequestError, field_error, register_error_handlers
from .layout import BAGIT
from .proxies import current_package_service

FLAGS = {"true": True, "1": True, "false": False, "0": False}


def _flag(name):
    value = request.args.get(name, "false").lower()
    if value not in FLAGS:
        message = "true or false."
        raise InvalidRequestError(f"{name} must be true or false.", [field_error([name], message)])
    return FLAGS[value]


def _package_options():
    return {"all_revisions": _flag("all_revisions"),
            "layout_name": request.args.get("layout", BAGIT)}


@read_only
def export_package(recid):
    """The zipped bag of a record (``?all_revisions=true``, ``?layout=archivematica``)."""
    options = _package_options()
    work = Path(tempfile.mkdtemp(prefix="cap-package-"))
    try:
        target = current_package_service.export(g.identity, recid, work / "package.zip",
                                                **options)
        stream = open(target, "rb")  # noqa: SIM115 (closed with the response)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    response = send_file(stream, mimetype="application/zip", as_attachment=True,
                         download_name=f"{recid}.zip")
    response.call_on_close(lambda: shutil.rmtree(work, ignore_errors=True))
    return response


def start_build(recid):
    """POST: build the package in the background (large records): 202 and its status."""
    status = current_package_service.start_build(g.identity, recid, **_package_options())
    return jsonify(status), 202


@read_only
def build_status(recid, build_id):
    """GET: ``{id, recid, state, done, total}`` of a background build."""
    return jsonify(current_package_service.build_status(g.identity, recid, build_id)), 200


@read_only
def build_file(recid, build_id):
    """GET: the zip of a finished background build."""
    path = current_package_service.build_file(g.identity, recid, build_id)
    return send_file(path, mimetype="application/zip", as_attachment=True,
                     download_name=f"{recid}.zip")


def create_blueprint(app):
    """Blueprint of the package export."""
    blueprint = Blueprint("cap_packages", __name__)
    blueprint.add_url_rule("/records/<recid>/export/package", "export_package", export_package,
                           methods=["GET"])
    builds = "/records/<recid>/export/package/builds"
    blueprint.add_url_rule(builds, "start_build", start_build, methods=["POST"])
    blueprint.add_url_rule(f"{builds}/<build_id>", "build_status", build_status, methods=["GET"])
    blueprint.add_url_rule(f"{builds}/<build_id>/file", "build_file", build_file,
                           methods=["GET"])
    register_error_handlers(blueprint)
    return blueprint
