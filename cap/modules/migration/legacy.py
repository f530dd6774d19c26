"""A legacy CAP export as read from disk: one JSON file per deposit or record.

Each file holds a document as legacy CAP's database (``records_metadata.json``)
or REST API (the same under ``metadata``) gives it: the user fields at the
top plus ``$schema``, ``_deposit`` (``id``, ``status``, ``owners``,
``created_by``, ``pid``), ``_access``, ``_files`` (``key``, ``checksum``,
``size``, ``version_id``) and, for a published record, ``control_number``.
A record may come in several files, one per revision (``revision_id``).
Nothing here touches the database.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import field_error
from ..records.api import user_metadata
from ..schemas.urls import parse_schema_url

GRANT_KEYS = ("users", "roles")


class LegacyFormatError(ValueError):
    """A file that is not a legacy CAP document; ``errors`` name the fields."""

    def __init__(self, message, errors=()):
        """Keep the message and the field errors."""
        super().__init__(message)
        self.errors = list(errors)


@dataclass
class LegacyFile:
    """One file of a legacy bucket (its head version)."""

    key: str
    checksum: str
    size: int | None = None
    version_id: str | None = None
    bucket: str | None = None


@dataclass
class LegacyDocument:
    """One legacy deposit or record, checked for the fields the import needs."""

    source: str
    kind: str  # "deposit" or "record"
    schema_name: str
    schema_version: str
    depid: str
    metadata: dict
    owners: list
    created_by: int | None
    access: dict
    files: list = field(default_factory=list)
    status: str = "draft"
    recid: str | None = None
    revision_id: int = 0


def _as_user_ids(values, where):
    ids, errors = [], []
    for index, value in enumerate(values or []):
        if isinstance(value, bool) or not isinstance(value, int):
            errors.append(field_error([*where, str(index)], "A user id (integer)."))
        else:
            ids.append(value)
    return ids, errors


def _access(data, errors):
    access = {}
    raw = data.get("_access") or {}
    if not isinstance(raw, dict):
        errors.append(field_error(["_access"], "An object of grants."))
        return access
    for action, grant in raw.items():
        if not isinstance(grant, dict):
            errors.append(field_error(["_access", action], "An object {users, roles}."))
            continue
        users, user_errors = _as_user_ids(grant.get("users"), ["_access", action, "users"])
        errors.extend(user_errors)
        roles = grant.get("roles") or []
        for index, role in enumerate(roles):
            if not isinstance(role, str):
                errors.append(
                    field_error(
                        ["_access", action, "roles", str(index)],
                        "A role name (e-group); role ids of the legacy database are not portable.",
                    )
                )
        access[action] = {"users": users, "roles": [r for r in roles if isinstance(r, str)]}
    return access


def _files(data, errors):
    files = []
    raw = data.get("_files") or []
    if not isinstance(raw, list):
        errors.append(field_error(["_files"], "A list of files."))
        return files
    seen = set()
    for index, entry in enumerate(raw):
        where = ["_files", str(index)]
        if not isinstance(entry, dict) or not isinstance(entry.get("key"), str):
            errors.append(field_error([*where, "key"], "Each file needs a key."))
            continue
        checksum = entry.get("checksum")
        if not isinstance(checksum, str) or ":" not in checksum:
            errors.append(field_error([*where, "checksum"], "A checksum such as md5:<hex>."))
            continue
        if entry["key"] in seen:
            errors.append(field_error([*where, "key"], f"{entry['key']!r} is listed twice."))
            continue
        seen.add(entry["key"])
        files.append(LegacyFile(entry["key"], checksum, entry.get("size"),
                                entry.get("version_id"), entry.get("bucket")))
    return files


def parse_document(data, source="-"):
    """The :class:`LegacyDocument` of one exported JSON object.

    Raises :class:`LegacyFormatError` naming every field that is missing or wrong.
    """
    if (
        isinstance(data, dict)
        and isinstance(data.get("metadata"), dict)
        and "_deposit" in data["metadata"]
    ):
        data = data["metadata"]  # the REST API's envelope
    if not isinstance(data, dict):
        raise LegacyFormatError(f"{source}: not a JSON object.")
    errors = []
    parsed = parse_schema_url(data.get("$schema"))
    if parsed is None:
        errors.append(field_error(["$schema"], "A legacy CAP schema URL."))
        parsed = (None, None, None)
    kind, name, version = parsed
    deposit = data.get("_deposit")
    if not isinstance(deposit, dict) or not isinstance(deposit.get("id"), str) or not deposit["id"]:
        errors.append(field_error(["_deposit", "id"], "The deposit id is needed."))
        deposit = deposit if isinstance(deposit, dict) else {}
    owners, owner_errors = _as_user_ids(deposit.get("owners"), ["_deposit", "owners"])
    errors.extend(owner_errors)
    created_by = deposit.get("created_by")
    if created_by is not None and (isinstance(created_by, bool) or not isinstance(created_by, int)):
        errors.append(field_error(["_deposit", "created_by"], "A user id (integer)."))
        created_by = None
    access = _access(data, errors)
    files = _files(data, errors)
    pid = deposit.get("pid") if isinstance(deposit.get("pid"), dict) else {}
    recid = data.get("control_number") if kind == "record" else pid.get("value")
    if kind == "record" and not isinstance(recid, str):
        errors.append(field_error(["control_number"], "A published record needs its recid."))
    revision = data.get("revision_id", pid.get("revision_id") if kind == "record" else 0)
    if isinstance(revision, bool) or not isinstance(revision, int):
        errors.append(field_error(["revision_id"], "An integer."))
        revision = 0
    if errors:
        raise LegacyFormatError(f"{source}: not a legacy CAP document.", errors)
    return LegacyDocument(
        source=source,
        kind=kind,
        schema_name=name,
        schema_version=version,
        depid=deposit["id"],
        metadata=user_metadata({k: v for k, v in data.items() if k != "revision_id"}),
        owners=owners,
        created_by=created_by,
        access=access,
        files=files,
        status=deposit.get("status") or "draft",
        recid=recid if isinstance(recid, str) else None,
        revision_id=revision,
    )


def read_export(path):
    """``(documents, failures)`` of every ``*.json`` under ``path`` (a file or a folder).

    ``failures``: ``[(source, message, errors)]`` of the files that are not
    legacy documents. A file may hold one document or a list of them.
    """
    path = Path(path)
    paths = [path] if path.is_file() else sorted(path.rglob("*.json"))
    documents, failures = [], []
    for file in paths:
        source = str(file)
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            failures.append((source, f"Cannot read {source}: {error}", []))
            continue
        items = data if isinstance(data, list) else [data]
        for index, item in enumerate(items):
            label = source if len(items) == 1 else f"{source}[{index}]"
            try:
                documents.append(parse_document(item, label))
            except LegacyFormatError as error:
                failures.append((label, str(error), error.errors))
    return documents, failures
