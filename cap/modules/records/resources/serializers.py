"""Serializers of drafts and records, chosen by ``Accept``.

Pure functions of the result items the services return
(:mod:`cap.modules.records.services.results`): the users, files, schema and
abilities an answer shows were read by the service, so no query, no service
call and no permission rule lives here.
"""

import csv
import io

from flask import current_app

from ...reviews.api import dump_reviews, review_status
from ...reviews.indexing import is_reviewable_document
from ..api import user_metadata

JSON = "application/json"
BASIC = "application/basic+json"
PERMISSIONS = "application/permissions+json"
FORM = "application/form+json"
CSV = "text/csv"

ACTIONS = ("publish", "edit", "discard", "clone", "permissions", "upload")

STATUS_PUBLISHED = "published"


def _api_url():
    return current_app.config["SITE_API_URL"]


def _ui_url():
    return current_app.config["SITE_UI_URL"]


def _access(item):
    return {
        key: {
            "users": [u for u in (item.users.get(i) for i in grant.get("users", [])) if u],
            "roles": list(grant.get("roles", [])),
        }
        for key, grant in sorted((item.data.get("_access") or {}).items())
    }


def deposit_links(pid, bucket_id):
    """Links of a draft."""
    base = f"{_api_url()}/deposits/{pid}"
    links = {
        "self": base,
        "html": _ui_url() + current_app.config["CAP_DEPOSIT_UI_PATH"].format(pid=pid),
        "files": f"{base}/files",
        "bucket": f"{_api_url()}/files/{bucket_id}",
    }
    links.update({action: f"{base}/actions/{action}" for action in ACTIONS})
    return links


def record_links(recid, bucket_id):
    """Links of a record."""
    return {
        "self": f"{_api_url()}/records/{recid}",
        "html": _ui_url() + current_app.config["CAP_RECORDS_UI_PATH"].format(recid=recid),
        "bucket": f"{_api_url()}/files/{bucket_id}",
    }


def serialize_full(item):
    """The full JSON of a draft or a record item (``application/json``)."""
    data = item.data
    system = data.get("_deposit") or {}
    is_record = item.is_record
    body = {
        "id": data["control_number"] if is_record else system.get("id"),
        "type": "record" if is_record else "deposit",
        "revision": item.revision,
        "created": item.created,
        "updated": item.updated,
        "status": STATUS_PUBLISHED if is_record else system.get("status", "draft"),
        "experiment": data.get("_experiment"),
        "schema": item.schema_info,
        "metadata": user_metadata(data),
        "created_by": item.users.get(system.get("created_by")),
        "is_owner": item.is_owner,
        "access": _access(item),
        "labels": [],
        "review": dump_reviews(data, item.users),
    }
    if is_reviewable_document(data):
        body["review_status"] = review_status(data)
    if is_record:
        body["recid"] = data["control_number"]
        body["draft_id"] = system.get("id")
        body["links"] = record_links(data["control_number"], data.get("_bucket"))
        body["zenodo"] = data.get("_zenodo")  # its DOIs once published to Zenodo
        body["public"] = data.get("_public") is True  # its admins opened it to the world
        for ability in ("can_open", "can_zenodo"):
            if ability in item.abilities:  # read one by one (not in search hits)
                body[ability] = item.abilities[ability]
    else:
        pid = system.get("pid") or {}
        body["recid"] = pid.get("value")
        body["cloned_from"] = system.get("cloned_from")
        if system.get("fetched_from"):
            body["fetched_from"] = system["fetched_from"]
        body["links"] = deposit_links(system.get("id"), data.get("_bucket"))
        if item.save_errors is not None:  # the answer to a save: what it left out, what it kept
            body["not_saved"] = item.save_errors["not_saved"]
            body["errors"] = item.save_errors["errors"]
    body["files"] = list(item.files)
    return body


def serialize_basic(item):
    """``{pid, recid, metadata, created, updated}`` (``application/basic+json``)."""
    data = item.data
    system = data.get("_deposit") or {}
    recid = data.get("control_number") or (system.get("pid") or {}).get("value")
    return {
        "pid": data.get("control_number") or system.get("id"),
        "recid": recid,
        "metadata": user_metadata(data),
        "created": item.created,
        "updated": item.updated,
    }


def serialize_permissions(item):
    """``{permissions: {read|update|admin: {users: [emails], roles}}}``."""
    permissions = {}
    for key, grant in sorted((item.data.get("_access") or {}).items()):
        level = key.split("-", 1)[1]
        permissions[level] = {
            "users": [u["email"] for u in (item.users.get(i) for i in grant.get("users", []))
                      if u],
            "roles": list(grant.get("roles", [])),
        }
    return {"permissions": permissions}


def serialize_form(item):
    """The full draft plus its form schemas and the caller's abilities.

    Fields the caller may not change (schema field permissions) are
    ``readOnly`` in the form's schema (the service marked them).
    """
    body = serialize_full(item)
    form = item.form or {}
    config = form.get("config") or {}
    body["schemas"] = dict(form)
    abilities = item.abilities
    body["can_update"] = abilities.get("can_update", False)
    body["can_admin"] = abilities.get("can_admin", False)
    body["can_review"] = abilities.get("can_review", False) and bool(config.get("reviewable"))
    return body


CSV_COLUMNS = ("id", "recid", "type", "schema", "version", "status", "title",
               "created", "updated")


def _title(metadata):
    for path in (("general_title",), ("basic_info", "analysis_title"), ("title",)):
        value = metadata
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        if isinstance(value, str):
            return value
    return ""


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP
CSV injection)."""


def csv_cell(value):
    """``value`` as a CSV cell a spreadsheet shows as text: a cell starting
    like a formula gets a leading quote, as OWASP recommends."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def serialize_csv(bodies):
    """Search hits (full bodies) as CSV, one line each."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for body in bodies:
        schema = body.get("schema") or {}
        writer.writerow([csv_cell(value) for value in (
            body["id"], body.get("recid") or "", body["type"], schema.get("name", ""),
            schema.get("version", ""), body["status"], _title(body["metadata"]),
            body["created"] or "", body["updated"] or "",
        )])
    return out.getvalue()
