"""CADI -> cms-analysis drafts: the one sync path (upstream, file or demo).

Each analysis is handled in its own unit of work, as the system identity,
through the deposit service: a new draft marked ``fetched_from: "cadi"``
granted to the contact and the conveners' e-group, or an update of the
``cadi_info`` of the draft holding that CADI id when it changed. Idempotent:
``cap_cadi_analysis`` (primary key: the CADI id) guards against duplicates.
"""

import copy
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask import current_app
from invenio_access.permissions import system_identity
from invenio_db import db
from invenio_db.uow import UnitOfWork
from invenio_records.models import RecordMetadata
from sqlalchemy.exc import SQLAlchemyError

from ...access.generators import schema_name_of
from ...auth.sso import ensure_external_role
from ...core.errors import (
    CAPError,
    InvalidRequestError,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
    field_label,
)
from ...deposit.proxies import current_deposit_service
from ...deposit.records.api import STATUS_PUBLISHED, Deposit
from ...deposit.services.sharing import resolve_grantee
from ...services.status import record_status
from .models import CadiAnalysis, CadiSyncRun
from .parser import CADI_ID_PREFIX, MalformedAnalysis, is_skipped, parse_analysis
from .proxies import current_cadi_client

OUTCOMES = ("created", "updated", "unchanged", "skipped", "failed")


@dataclass
class SyncSummary:
    """Counts per outcome, the reasons of skipped/failed items and warnings."""

    counts: dict = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    problems: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    ids: dict = field(default_factory=dict)

    def add(self, outcome, cadi_id, reason=None, depid=None):
        """Count one item."""
        self.counts[outcome] += 1
        if reason and outcome in ("skipped", "failed"):
            self.problems.append({"cadi_id": cadi_id, "outcome": outcome, "reason": reason})
        if depid and cadi_id:
            self.ids[cadi_id] = depid

    def to_dict(self):
        """JSON-friendly summary (stored with the run)."""
        return {
            **self.counts,
            "problems": self.problems,
            "warnings": self.warnings,
        }

    def line(self):
        """One-line human summary."""
        return ", ".join(f"{name} {self.counts[name]}" for name in OUTCOMES)


def _draft_row(uuid_):
    row = db.session.get(RecordMetadata, uuid_)
    return row if row is not None and row.json is not None else None


def find_holder(cadi_id, exclude_pid=None, also_types=()):
    """``(record uuid, depid)`` of the draft holding ``cadi_id``, or ``None``.

    First the guard table (synced drafts), then any draft whose
    ``basic_info.cadi_id`` says so (hand-made drafts) of the CADI deposit
    type or of ``also_types`` (schema names); deleted drafts do not count.
    ``exclude_pid``: a draft that does not count (the one being saved).
    """
    mapping = db.session.get(CadiAnalysis, cadi_id)
    if (
        mapping is not None
        and mapping.depid != exclude_pid
        and _draft_row(mapping.deposit_uuid) is not None
    ):
        return mapping.deposit_uuid, mapping.depid
    query = RecordMetadata.query.filter(
        RecordMetadata.json["basic_info"]["cadi_id"].as_string() == cadi_id,
        RecordMetadata.json["_deposit"]["id"].isnot(None),
        RecordMetadata.json["control_number"].is_(None),
    )
    deposit_types = {current_app.config["CAP_CADI_DEPOSIT_TYPE"], *also_types}
    for row in query:
        depid = row.json["_deposit"]["id"]
        if depid != exclude_pid and schema_name_of(row.json) in deposit_types:
            return row.id, depid
    return None


def local_analyses(prefix, size=10):
    """``[(cadi_id, cadi_info)]`` of synced analyses whose id starts with ``prefix``.

    Our synced copy (the guard table and the drafts' ``cadi_info``), so
    suggestions need no call to CADI. Ids in order. A prefix holding anything
    but letters, digits and ``-`` starts no id: nothing is asked (the
    database refuses some characters, NUL, outright).
    """
    prefix = prefix.upper()
    if not CADI_ID_PREFIX.fullmatch(prefix):
        return []
    rows = (
        db.session.query(CadiAnalysis.cadi_id, RecordMetadata.json)
        .join(RecordMetadata, RecordMetadata.id == CadiAnalysis.deposit_uuid)
        .filter(CadiAnalysis.cadi_id.startswith(prefix))
        .filter(RecordMetadata.json.isnot(None))
        .order_by(CadiAnalysis.cadi_id)
        .limit(size)
    )
    return [(cadi_id, (data or {}).get("cadi_info") or {}) for cadi_id, data in rows]


def local_analysis(cadi_id):
    """The synced ``cadi_info`` of ``cadi_id``, or ``None`` when we do not have it."""
    found = [info for found_id, info in local_analyses(cadi_id, size=2) if found_id == cadi_id]
    return found[0] if found and found[0] else None


class CadiSync:
    """Sync raw CADI analyses into drafts (``dry_run``: count, write nothing)."""

    def __init__(self, identity=system_identity, dry_run=False, service=None):
        """Act as ``identity`` (the system by default)."""
        self.identity = identity
        self.dry_run = dry_run
        self.service = service or current_deposit_service
        config = current_app.config
        self.skip_statuses = config["CAP_CADI_SKIP_STATUSES"]
        self.deposit_type = config["CAP_CADI_DEPOSIT_TYPE"]
        self.conveners = config["CAP_CADI_CONVENERS_EGROUP"]
        self.grant_action = config["CAP_CADI_GRANT_ACTION"]

    def run(self, items, summary=None, progress=None):
        """Sync every raw item; returns the :class:`SyncSummary`."""
        summary = summary or SyncSummary()
        for raw in items:
            outcome, cadi_id, reason, depid = self.sync_one(raw, summary)
            summary.add(outcome, cadi_id, reason, depid)
            if progress is not None:
                progress(outcome, cadi_id)
        return summary

    def sync_one(self, raw, summary):
        """``(outcome, cadi_id, reason, depid)`` of one raw item."""
        try:
            analysis = parse_analysis(raw)
        except MalformedAnalysis as error:
            current_app.logger.warning("CADI item skipped, malformed: %s", error)
            return "failed", error.code, f"malformed: {error.reason}", None
        cadi_id = analysis.cadi_id
        if is_skipped(analysis, self.skip_statuses):
            return "skipped", cadi_id, f"status {analysis.status}", None
        try:
            holder = find_holder(cadi_id)
            if holder is not None:
                return self._update(analysis, *holder)
            return self._create(analysis, summary)
        except (CAPError, SQLAlchemyError) as error:
            db.session.rollback()
            message = getattr(error, "message", None) or str(error).splitlines()[0]
            errors = getattr(error, "errors", None)
            if errors:
                message += " " + "; ".join(
                    f"{field_label(e['field'])}: {e['message']}" for e in errors
                )
            current_app.logger.warning("CADI sync of %s failed: %s", cadi_id, message)
            return "failed", cadi_id, message, None

    def _update(self, analysis, uuid_, depid):
        deposit = Deposit.get_record(uuid_)
        if deposit.get("cadi_info") == analysis.cadi_info:
            self._adopt(analysis.cadi_id, uuid_, depid)
            return "unchanged", analysis.cadi_id, None, depid
        if deposit.status == STATUS_PUBLISHED:
            reason = f"draft {depid} is published: reopen it (edit) to take the CADI changes"
            return "skipped", analysis.cadi_id, reason, depid
        if self.dry_run:
            return "updated", analysis.cadi_id, None, depid
        with UnitOfWork(db.session) as uow:
            metadata = copy.deepcopy(deposit.metadata)
            metadata["cadi_info"] = analysis.cadi_info
            self.service.update(self.identity, depid, metadata, uow=uow)
            self._adopt(analysis.cadi_id, uuid_, depid, commit=False)
            uow.commit()
        return "updated", analysis.cadi_id, None, depid

    def _adopt(self, cadi_id, uuid_, depid, commit=True):
        """Make the guard row name this draft (hand-made drafts, stale rows)."""
        if self.dry_run:
            return
        mapping = db.session.get(CadiAnalysis, cadi_id)
        if mapping is not None and mapping.deposit_uuid == uuid_:
            return
        if mapping is None:
            db.session.add(CadiAnalysis(cadi_id=cadi_id, deposit_uuid=uuid_, depid=depid))
        else:
            mapping.deposit_uuid, mapping.depid = uuid_, depid
        if commit:
            db.session.commit()
        else:
            db.session.flush()

    def _metadata(self, analysis):
        basic_info = {"cadi_id": analysis.cadi_id, "analysis_title": analysis.cadi_info["name"]}
        from ...schemas.api import get_schema

        schema = get_schema(self.deposit_type)
        groups = (
            (schema.deposit_schema or {})
            .get("properties", {})
            .get("basic_info", {})
            .get("properties", {})
            .get("cms_working_group", {})
            .get("enum", [])
        )
        if analysis.working_group in groups:
            basic_info["cms_working_group"] = analysis.working_group
        return {
            "$ana_type": self.deposit_type,
            "basic_info": basic_info,
            "cadi_info": analysis.cadi_info,
        }

    def _grants(self, analysis, summary):
        """Sharing entries: the contact (when CAP or the directory knows them), conveners."""
        entries = []
        email = analysis.contact_email
        if email:
            try:
                resolve_grantee("user", email)
                entries.append({"type": "user", "email": email})
            except (InvalidRequestError, UpstreamUnavailableError, UpstreamTimeoutError) as error:
                summary.warnings.append(
                    f"{analysis.cadi_id}: contact {email} not granted ({error.message})"
                )
        else:
            summary.warnings.append(f"{analysis.cadi_id}: no contact email, nobody granted")
        if self.conveners:
            ensure_external_role(self.conveners)
            entries.append({"type": "egroup", "email": self.conveners})
        return [{**entry, "op": "add", "action": self.grant_action} for entry in entries]

    def _create(self, analysis, summary):
        if self.dry_run:
            return "created", analysis.cadi_id, None, None
        with UnitOfWork(db.session) as uow:
            deposit = self.service.create(
                self.identity, self._metadata(analysis), uow=uow, fetched_from="cadi"
            )
            # The guard: a concurrent second draft of this CADI id fails here.
            self._adopt(analysis.cadi_id, deposit.id, deposit.pid, commit=False)
            entries = self._grants(analysis, summary)
            if entries:
                self.service.update_permissions(self.identity, deposit.pid, entries, uow=uow)
            uow.commit()
        return "created", analysis.cadi_id, None, deposit.pid


# -- runs ---------------------------------------------------------------
def last_success(source="cadi"):
    """The last successful (non dry-run) run of ``source``, or ``None``."""
    return (
        CadiSyncRun.query.filter_by(source=source, status="success")
        .order_by(CadiSyncRun.started.desc())
        .first()
    )


def _start_run(source, since, dry_run):
    if dry_run:
        return None
    run = CadiSyncRun(source=source, since=since, status="running")
    db.session.add(run)
    db.session.commit()
    return run


def _finish_run(run, status, summary=None, error=None):
    if run is None:
        return
    db.session.rollback()  # whatever an item left half-done is not ours to keep
    run = db.session.get(CadiSyncRun, run.id)
    run.status = status
    run.finished = datetime.now(UTC).replace(tzinfo=None)
    run.summary = summary.to_dict() if summary is not None else None
    run.error = error
    db.session.commit()


def sync_from_cadi(since=None, full=False, dry_run=False, progress=None, client=None):
    """Sync analyses from the CADI API; returns ``(summary, since used)``.

    ``since`` (ISO date) asks CADI for analyses updated since then; without
    it the sync starts from the day of the last successful run, unless
    ``full``. Upstream failures mark the run failed and propagate (items
    already synced stay: the next run redoes the rest, idempotently).
    """
    if since is None and not full:
        previous = last_success("cadi")
        since = previous.started.date().isoformat() if previous else None
    client = client or current_cadi_client
    run = _start_run("cadi", since, dry_run)
    summary = SyncSummary()
    try:
        CadiSync(dry_run=dry_run).run(
            client.iter_analyses(since=since), summary=summary, progress=progress
        )
    except (UpstreamUnavailableError, UpstreamTimeoutError) as error:
        _finish_run(run, "failed", summary, error.message)
        record_status("cadi", False, error.message)
        raise
    _finish_run(run, "success", summary)
    record_status("cadi", True, summary.line())
    return summary, since


def read_items(path):
    """Raw analyses of a file shaped like CADI's answer (``{"data": [...]}``) or a list."""
    with open(path, encoding="utf-8") as stream:
        body = json.load(stream)
    items = body.get("data") if isinstance(body, dict) else body
    if not isinstance(items, list):
        raise InvalidRequestError(f"{path}: expected a list of analyses under 'data'.")
    return items


def sync_from_file(path, dry_run=False, progress=None):
    """Sync the analyses of a file (demo data, an export) through the same path."""
    items = read_items(path)
    run = _start_run(f"file:{os.path.basename(path)}", None, dry_run)
    summary = CadiSync(dry_run=dry_run).run(items, progress=progress)
    _finish_run(run, "success", summary)
    return summary
