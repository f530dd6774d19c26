"""``GET /records/<recid>/export/package``: the record's package, a zipped bag."""

import shutil
import tempfile
from pathlib import Path

from flask import Blueprint, g, request, send_file

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


@read_only
def export_package(recid):
    """The zipped bag of a record (``?all_revisions=true``, ``?layout=archivematica``)."""
    all_revisions = _flag("all_revisions")
    layout_name = request.args.get("layout", BAGIT)
    work = Path(tempfile.mkdtemp(prefix="cap-package-"))
    try:
        target = current_package_service.export(
            g.identity, recid, work / "package.zip", all_revisions=all_revisions,
            layout_name=layout_name,
        )
        stream = open(target, "rb")  # noqa: SIM115 (closed with the response)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    response = send_file(stream, mimetype="application/zip", as_attachment=True,
                         download_name=f"{recid}.zip")
    response.call_on_close(lambda: shutil.rmtree(work, ignore_errors=True))
    return response


def create_blueprint(app):
    """Blueprint of the package export."""
    blueprint = Blueprint("cap_packages", __name__)
    blueprint.add_url_rule("/records/<recid>/export/package", "export_package", export_package,
                           methods=["GET"])
    register_error_handlers(blueprint)
    return blueprint
