"""REANA workflows of deposits: business rules, identity first.

A workflow belongs to a draft: its readers see its runs, its updaters
create, start, stop, delete and rerun them (``WorkflowPermissionPolicy``,
bound to the draft). REANA is called with the draft's experiment token,
held in the configuration only. A REANA that is down answers 502/504 and
changes nothing here: a run not created leaves no row, a start or a status
read that failed leaves the row as it was, and the beat task tries again.

When a run finishes, its declared outputs are attached to the draft's
bucket as ``<name>/run-<n>/<path>`` tagged ``workflow``, ``run`` and
``output``. A reproduction reruns a published record's workflow with the
parameters of the run whose outputs the record preserved, and compares.
"""

import contextlib
import io
import re
import uuid
from datetime import UTC, datetime

from flask import current_app
from invenio_access.permissions import system_identity
from invenio_db import db
from invenio_db.uow import unit_of_work
from invenio_files_rest.models import ObjectVersion, ObjectVersionTag

from ..access.generators import identity_user_id
from ..access.policies import RecordPermissionPolicy, WorkflowPermissionPolicy
from ..core.errors import (
    ConflictError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    UpstreamUnavailableError,
    ValidationError,
    field_error,
)
from ..deposit.records.api import Deposit
from ..records.api import PublishedRecord
from . import spec as specs
from .client import ReanaRefusal, ReanaTimeout, ReanaUnreachable
from .compare import compare_file, md5
from .models import Workflow

NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
SCALAR = (str, int, float, bool)


def _now():
    return datetime.now(UTC).replace(tzinfo=None)


class RunLostError(ConflictError):
    """REANA no longer has the run."""

    def __init__(self):
        """Say what may have happened, and what still works."""
        super().__init__("REANA no longer has this run: it was deleted there, or "
                         "CAP_REANA_URL names another REANA. Rerun it, or delete it here.")


@contextlib.contextmanager
def reana_call():
    """REANA's refusals as CAP's plain errors (its down-ness is already one)."""
    try:
        yield
    except ReanaRefusal as error:
        if error.run_unknown:
            raise RunLostError() from None
        if error.token_refused:
            raise UpstreamUnavailableError(
                "REANA refused CAP's access token for this experiment; tell the CAP "
                "administrators."
            ) from None
        if error.status == 404:
            raise NotFoundError(f"REANA: {error.message}") from None
        if error.status in (403, 409):  # REANA refuses it in the run's present state
            raise ConflictError(f"REANA: {error.message}") from None
        raise InvalidRequestError(f"REANA refused the request: {error.message}") from None


def _is_anonymous(identity):
    return identity is None or identity.id is None


class WorkflowService:
    """Create, follow, rerun and reproduce REANA workflows of deposits."""

    @property
    def client(self):
        """The app's REANA client."""
        return current_app.extensions["cap-workflows"].client

    # -- helpers --------------------------------------------------------
    @staticmethod
    def _token(experiment):
        tokens = current_app.config["CAP_REANA_ACCESS_TOKENS"]
        token = tokens.get(experiment or "default") or tokens.get("default")
        if not token:
            raise UpstreamUnavailableError(
                f"No REANA access token is configured for {experiment or 'this deposit'}."
            )
        return token

    @staticmethod
    def _require(identity, action, deposit):
        """``action`` on the draft's workflows; who may not read it learns nothing."""
        if WorkflowPermissionPolicy(action, record=deposit).allows(identity):
            return
        if _is_anonymous(identity):
            raise PermissionDeniedError()
        if action != "read" and WorkflowPermissionPolicy("read", record=deposit).allows(
            identity
        ):
            raise PermissionDeniedError(f"You may not {action} workflows of this draft.")
        raise NotFoundError(f"Draft {deposit.pid} does not exist.")

    def _deposit(self, identity, depid, action):
        deposit = Deposit.get_by_pid(depid)
        self._require(identity, action, deposit)
        return deposit

    def _get(self, identity, workflow_id, action, for_update=False):
        """The workflow row and its draft, ``action`` checked on the draft."""
        try:
            workflow_uuid = uuid.UUID(str(workflow_id))
        except ValueError:
            workflow = None
        else:
            query = Workflow.query.filter_by(id=workflow_uuid)
            workflow = (query.with_for_update() if for_update else query).one_or_none()
        if workflow is None:
            if _is_anonymous(identity):
                raise PermissionDeniedError()
            raise NotFoundError(f"Workflow {workflow_id} does not exist.")
        deposit = Deposit.get_record(workflow.deposit_uuid)
        try:
            self._require(identity, action, deposit)
        except NotFoundError:
            raise NotFoundError(f"Workflow {workflow_id} does not exist.") from None
        return workflow, deposit

    @staticmethod
    def _experiment(deposit):
        experiment = deposit.get("_experiment")
        return experiment.lower() if experiment else None

    @staticmethod
    def _object(bucket, key):
        return ObjectVersion.get(bucket, key) if bucket is not None else None

    def _spec_file(self, deposit, key, field):
        obj = self._object(deposit.bucket, key)
        if obj is None:
            message = f"{key} is not a file of the draft."
            raise ValidationError(message, [field_error(field, message)])
        with obj.file.storage().open() as stream:
            return specs.parse(key, stream.read())

    @staticmethod
    def _entries(deposit):
        entries = deposit.get(current_app.config["CAP_WORKFLOWS_METADATA_FIELD"])
        return [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []

    def _specification(self, deposit, name, given):
        """The specification: given; else the draft's workflow entry called
        ``name`` (its ``reana_spec`` or its ``workflow_file``); else the
        draft's reana.yaml."""
        if given is not None:
            return given
        field = current_app.config["CAP_WORKFLOWS_METADATA_FIELD"]
        for index, entry in enumerate(self._entries(deposit)):
            if entry.get("name") != name:
                continue
            spec = specs.from_section(entry)
            if spec is not None:
                return spec
            if entry.get("workflow_file"):
                return self._spec_file(deposit, entry["workflow_file"],
                                       [field, str(index), "workflow_file"])
        for key in current_app.config["CAP_WORKFLOWS_SPEC_KEYS"]:
            if self._object(deposit.bucket, key) is not None:
                return self._spec_file(deposit, key, ["specification"])
        message = (f"The draft has no reana.yaml and no workflow {name!r} in {field}: "
                   "give a specification.")
        raise ValidationError(message, [field_error(["specification"], message)])

    def _check_inputs(self, deposit, specification):
        missing = [
            field_error(["specification", "inputs", "files", str(index)],
                        f"{path} is not a file of the draft.")
            for index, path in enumerate(specs.input_files(specification))
            if self._object(deposit.bucket, path) is None
        ]
        if missing:
            raise ValidationError("The workflow needs files the draft does not have.", missing)

    @staticmethod
    def _check_parameters(declared, overrides):
        if overrides is None:
            return {}
        if not isinstance(overrides, dict):
            message = "parameters must be an object of declared parameter values."
            raise InvalidRequestError(message, [field_error(["parameters"], message)])
        errors = []
        for key, value in overrides.items():
            if key not in declared:
                errors.append(field_error(["parameters", key],
                                          "is not a parameter of the specification."))
            elif value is not None and not isinstance(value, SCALAR):
                errors.append(field_error(["parameters", key],
                                          "must be a string, a number or a boolean."))
        if errors:
            raise ValidationError("The parameters do not fit the specification.", errors)
        return overrides

    def _send_inputs(self, token, reana_id, bucket, specification):
        for path in specs.input_files(specification):
            obj = self._object(bucket, path)
            with obj.file.storage().open() as stream:
                self.client.upload(token, reana_id, path, stream)

    def _new_run(self, deposit, name, specification, parameters, user_id, bucket=None,
                 **extra):
        """Create the workflow at REANA, send its inputs (from ``bucket``, by
        default the draft's), then keep its row."""
        experiment = self._experiment(deposit)
        token = self._token(experiment)
        with reana_call():
            created = self.client.create(token, name, specification)
            reana_id = created["workflow_id"]
            try:
                self._send_inputs(token, reana_id, bucket or deposit.bucket, specification)
            except Exception:  # keep REANA tidy: a run without its inputs is useless
                with contextlib.suppress(Exception):
                    self.client.delete(token, reana_id)
                raise
        workflow = Workflow(
            deposit_uuid=deposit.id, depid=deposit.pid, user_id=user_id,
            experiment=experiment, name=name, reana_id=reana_id,
            run_number=self._next_run_number(deposit, name),
            engine=specification["workflow"]["type"], status="created",
            specification=specification, parameters=parameters, **extra,
        )
        db.session.add(workflow)
        return workflow

    @staticmethod
    def _next_run_number(deposit, name):
        """The draft's next run number of workflow ``name``: 1, 2, ... per draft.

        Not REANA's: it counts every run of the experiment's token under that name
        (all its drafts'), and starts again on another REANA or a new token, which
        would give a draft two runs of one number and one output key. The draft's
        row is locked until the commit, so two runs created at once do not share one.
        """
        db.session.query(Deposit.model_cls).filter_by(id=deposit.id).with_for_update().one()
        last = db.session.query(db.func.max(Workflow.run_number)).filter_by(
            deposit_uuid=deposit.id, name=name).scalar()
        return (last or 0) + 1

    def _start(self, workflow, overrides):
        """Start at REANA with every parameter value of the run (a rerun's are its
        source's, which REANA does not know: it only has the declared defaults)."""
        parameters = {**workflow.parameters, **overrides}
        with reana_call():
            answer = self.client.start(self._token(workflow.experiment), workflow.reana_id,
                                       parameters)
        workflow.parameters = parameters
        workflow.status = answer.get("status") or "queued"
        workflow.error = None

    # -- create, read, list ----------------------------------------------
    @unit_of_work()
    def create(self, identity, depid, data, uow=None):
        """A workflow of the draft (not started): ``{name, specification?}``."""
        deposit = self._deposit(identity, depid, "run")
        if not isinstance(data, dict):
            raise InvalidRequestError("The body must be a JSON object.")
        entries = self._entries(deposit)
        name = data.get("name") or (entries[0].get("name") if entries else None) or "workflow"
        if not isinstance(name, str) or not NAME.match(name):
            message = ("name must start with a letter and hold only letters, digits, '-' "
                       "and '_' (64 at most).")
            raise InvalidRequestError(message, [field_error(["name"], message)])
        specification = specs.validate(
            self._specification(deposit, name, data.get("specification"))
        )
        self._check_inputs(deposit, specification)
        parameters = specs.declared_parameters(specification)
        return self._new_run(deposit, name, specification, parameters,
                             identity_user_id(identity))

    def read(self, identity, workflow_id):
        """One workflow (as last seen; :meth:`refresh` asks REANA)."""
        return self._get(identity, workflow_id, "read")[0]

    def list_for_deposit(self, identity, depid):
        """The draft's runs, newest first."""
        deposit = self._deposit(identity, depid, "read")
        return (Workflow.query.filter_by(deposit_uuid=deposit.id)
                .order_by(Workflow.created.desc()).all())

    def list_for_user(self, identity):
        """The runs the identity started, on drafts it may still read, newest first."""
        user_id = identity_user_id(identity)
        if user_id is None:
            raise PermissionDeniedError()
        rows = (Workflow.query.filter_by(user_id=user_id)
                .order_by(Workflow.created.desc()).all())
        deposits = {d.id: d for d in Deposit.get_records({row.deposit_uuid for row in rows})}
        return [row for row in rows if row.deposit_uuid in deposits and
                WorkflowPermissionPolicy("read", record=deposits[row.deposit_uuid]).allows(
                    identity)]

    # -- running ----------------------------------------------------------
    @unit_of_work()
    def start(self, identity, workflow_id, parameters=None, uow=None):
        """Start a created run, ``parameters`` overriding declared ones."""
        workflow, _ = self._get(identity, workflow_id, "run", for_update=True)
        overrides = self._check_parameters(specs.declared_parameters(workflow.specification),
                                           parameters)
        if workflow.status != "created":
            raise ConflictError(f"The run is {workflow.status}; rerun it instead.")
        self._start(workflow, overrides)
        return workflow

    @unit_of_work()
    def stop(self, identity, workflow_id, uow=None):
        """Stop a run REANA has not finished (REANA itself stops only a running one)."""
        workflow, _ = self._get(identity, workflow_id, "run", for_update=True)
        if workflow.status not in ("queued", "pending", "running"):
            raise ConflictError(f"The run is {workflow.status}, not running.")
        with reana_call():
            self.client.stop(self._token(workflow.experiment), workflow.reana_id)
        workflow.status = "stopped"
        workflow.finished = _now()
        return workflow

    @unit_of_work()
    def delete(self, identity, workflow_id, uow=None):
        """Delete the run at REANA and here (attached outputs stay in the draft)."""
        workflow, _ = self._get(identity, workflow_id, "run", for_update=True)
        with contextlib.suppress(RunLostError), reana_call():
            self.client.delete(self._token(workflow.experiment), workflow.reana_id)
        db.session.delete(workflow)

    @unit_of_work()
    def rerun(self, identity, workflow_id, parameters=None, uow=None):
        """A new run of the same specification, started with changed parameters."""
        source, deposit = self._get(identity, workflow_id, "run")
        overrides = self._check_parameters(specs.declared_parameters(source.specification),
                                           parameters)
        self._check_inputs(deposit, source.specification)
        workflow = self._new_run(deposit, source.name, source.specification,
                                 dict(source.parameters), identity_user_id(identity),
                                 cloned_from=source.id)
        self._start(workflow, overrides)
        return workflow

    # -- following ----------------------------------------------------------
    @unit_of_work()
    def refresh(self, identity, workflow_id, uow=None):
        """Ask REANA for the run's status; a finished run's outputs are attached."""
        workflow, deposit = self._get(identity, workflow_id, "read", for_update=True)
        self._follow(workflow, deposit)
        return workflow

    def _follow(self, workflow, deposit):
        pending = workflow.status == "finished" and workflow.outputs is None and (
            not workflow.recid)
        if workflow.is_final and not pending:
            return
        token = self._token(workflow.experiment)
        if pending:  # finished while the draft was published: attach once it is edited
            with reana_call():
                workflow.outputs, workflow.error = self._attach(token, workflow, deposit)
            return
        with reana_call():
            status = self.client.status(token, workflow.reana_id).get("status")
            if status == workflow.status or not status:
                return
            if status == "finished":
                if workflow.recid:
                    workflow.comparison = self._compare(token, workflow)
                else:
                    workflow.outputs, workflow.error = self._attach(token, workflow, deposit)
        workflow.status = status
        if workflow.is_final:
            workflow.finished = _now()

    def _attach(self, token, workflow, deposit):
        """Copy the declared outputs into the draft's bucket, tagged with the run."""
        bucket = deposit.bucket
        if bucket is None or bucket.locked:
            return None, ("The draft is published: the outputs stay in REANA's workspace "
                          "(edit the draft and read the status again to attach them).")
        attached = []
        for path in specs.output_files(workflow.specification):
            content = self.client.download(token, workflow.reana_id, path)
            key = f"{workflow.name}/run-{workflow.run_number}/{path}"
            obj = ObjectVersion.create(bucket, key, stream=io.BytesIO(content))
            for tag, value in (("workflow", workflow.name), ("run", str(workflow.run_number)),
                               ("output", path)):
                ObjectVersionTag.create(obj, tag, value)
            attached.append({"key": key, "checksum": obj.file.checksum, "size": obj.file.size,
                             "version_id": str(obj.version_id)})
        return attached, None

    def follow_all(self):
        """Read the status of every unfinished run (the beat task): ``{seen, failed}``.

        A REANA that does not answer (down, or too slow) ends the pass at the
        first run: the others would each wait out the same timeouts and retries,
        and the next beat tries them all again. Their rows stay as they were and
        count as failed. One run's own trouble (REANA lost it, an experiment
        without a token) skips that run only.
        """
        ids = [row.id for row in Workflow.query.filter(
            Workflow.status.notin_(("finished", "failed", "stopped", "deleted"))).all()]
        seen = failed = 0
        for workflow_id in ids:
            try:
                self.refresh(system_identity, workflow_id)
                seen += 1
            except (ReanaUnreachable, ReanaTimeout) as error:
                left = len(ids) - seen - failed
                current_app.logger.warning("Following workflows stopped, %d of %d left: %s",
                                           left, len(ids), error.message)
                return {"seen": seen, "failed": failed + left}
            except Exception:  # one run's trouble (REANA lost it, say): the next beat retries
                failed += 1
                current_app.logger.warning("Following workflow %s failed.", workflow_id,
                                           exc_info=True)
        return {"seen": seen, "failed": failed}

    def logs(self, identity, workflow_id):
        """REANA's logs of the run: ``{workflow_logs, job_logs, engine_specific}``."""
        workflow, _ = self._get(identity, workflow_id, "read")
        with reana_call():
            return self.client.logs(self._token(workflow.experiment), workflow.reana_id)

    # -- workspace ------------------------------------------------------------
    def list_files(self, identity, workflow_id):
        """The run's workspace files."""
        workflow, _ = self._get(identity, workflow_id, "read")
        with reana_call():
            return self.client.list_files(self._token(workflow.experiment), workflow.reana_id)

    def download(self, identity, workflow_id, path):
        """The bytes of a workspace file."""
        workflow, _ = self._get(identity, workflow_id, "read")
        with reana_call():
            return self.client.download(self._token(workflow.experiment), workflow.reana_id,
                                        path)

    def upload(self, identity, workflow_id, keys):
        """Copy the draft's files ``keys`` into the run's workspace (same paths)."""
        workflow, deposit = self._get(identity, workflow_id, "run")
        if not isinstance(keys, list) or not keys or not all(isinstance(k, str) for k in keys):
            message = "keys must be a list of the draft's file keys."
            raise InvalidRequestError(message, [field_error(["keys"], message)])
        missing = [field_error(["keys", str(i)], f"{key} is not a file of the draft.")
                   for i, key in enumerate(keys) if self._object(deposit.bucket, key) is None]
        if missing:
            raise ValidationError("Some files are not in the draft.", missing)
        token = self._token(workflow.experiment)
        with reana_call():
            for key in keys:
                with self._object(deposit.bucket, key).file.storage().open() as stream:
                    self.client.upload(token, workflow.reana_id, key, stream)
        return keys

    # -- reproducibility ------------------------------------------------------
    @staticmethod
    def _record(identity, recid):
        record = PublishedRecord.get_by_pid(recid)
        if not RecordPermissionPolicy("read", record=record).allows(identity):
            if _is_anonymous(identity):
                raise PermissionDeniedError()
            raise NotFoundError(f"Record {recid} does not exist.")
        return record

    @staticmethod
    def _preserved(record):
        """The record's workflow outputs of its latest preserved run: ``(name, run, files)``."""
        files = [f for f in record.get("_files") or []
                 if {"workflow", "run", "output"} <= set(f.get("tags") or {})]
        if not files:
            return None, None, []
        latest = max(files, key=lambda f: int(f["tags"]["run"]))["tags"]
        name, run = latest["workflow"], latest["run"]
        return name, int(run), [f for f in files if f["tags"]["workflow"] == name and
                                f["tags"]["run"] == run]

    @unit_of_work()
    def reproduce(self, identity, recid, uow=None):
        """Rerun the record's preserved workflow run; compared when it finishes."""
        record = self._record(identity, recid)
        deposit = Deposit.get_by_pid(record["_deposit"]["id"])
        self._require(identity, "run", deposit)
        name, run, files = self._preserved(record)
        source = Workflow.query.filter_by(deposit_uuid=deposit.id, name=name, run_number=run,
                                          recid=None).one_or_none() if name else None
        if source is None:
            message = f"Record {recid} preserves no outputs of a workflow run of CAP."
            raise ConflictError(message)
        inputs = specs.input_files(source.specification)
        preserved = {f["key"] for f in record.get("_files") or []}
        missing = [path for path in inputs if path not in preserved]
        if missing:
            raise ConflictError(f"Record {recid} does not preserve the inputs {missing}.")
        workflow = self._new_run(deposit, name, source.specification, {},
                                 identity_user_id(identity), bucket=record.bucket,
                                 cloned_from=source.id, recid=str(recid))
        self._start(workflow, dict(source.parameters))
        return workflow

    def _compare(self, token, workflow):
        """Compare the rerun's outputs with the record's preserved ones."""
        record = PublishedRecord.get_by_pid(workflow.recid)
        _, _, files = self._preserved(record)
        tolerance = current_app.config["CAP_WORKFLOWS_TOLERANCE"]
        differences = []
        for entry in files:
            path = entry["tags"]["output"]
            try:
                content = self.client.download(token, workflow.reana_id, path)
            except ReanaRefusal:
                differences.append({"file": path, "reason": "the rerun did not write it"})
                continue
            preserved = None
            if md5(content) != entry.get("checksum"):
                obj = ObjectVersion.query.filter_by(version_id=entry["version_id"]).one_or_none()
                if obj is not None:
                    with obj.file.storage().open() as stream:
                        preserved = stream.read()
            difference = compare_file(path, entry.get("checksum"), content, preserved,
                                      tolerance)
            if difference:
                differences.append(difference)
        return {"reproduced": not differences, "compared": len(files),
                "tolerance": tolerance, "differences": differences}

    def reproducibility(self, identity, recid):
        """The record's badge: the latest reproduction and what it found, and
        whether the identity may rerun it (``can_reproduce``: the draft's run right)."""
        record = self._record(identity, recid)
        deposit = Deposit.get_by_pid(record["_deposit"]["id"])
        can_reproduce = WorkflowPermissionPolicy("run", record=deposit).allows(identity)
        latest = (Workflow.query.filter_by(recid=str(recid))
                  .order_by(Workflow.created.desc()).first())
        if latest is None:
            return {"status": "never", "workflow": None, "can_reproduce": can_reproduce}
        comparison = latest.comparison or {}
        if latest.status == "finished":
            status = "reproduced" if comparison.get("reproduced") else "differs"
        elif latest.is_final:
            status = latest.status
        else:
            status = "running"
        return {"status": status, "date": latest.finished.isoformat() if latest.finished
                else None, "workflow": latest, "differences": comparison.get("differences", []),
                "can_reproduce": can_reproduce}
