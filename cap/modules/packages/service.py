"""Packages of published records, identity first: export (readers) and import (superusers).

Export writes a bag (:mod:`.layout`) of one record: its JSON and files at
each included revision, the schema, access and history, the RO-Crate. The
stored MD5 of every file is checked against the bag's ``manifest-md5.txt``,
which bagit computes from the bytes written: a file whose storage no longer
holds what was uploaded stops the export.

Import checks the bag (every checksum) and the package before writing
anything, registers the schema (and what it ``$ref``s) when missing, finds
or creates the accounts the JSON names (by e-mail), then writes each
revision in its own transaction (a revision is one commit), oldest first,
with its own locked bucket, and last the draft, published, pointing at the
record.
"""

import json
import shutil
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from invenio_accounts.models import User
from invenio_accounts.proxies import current_datastore
from invenio_db import db
from invenio_db.uow import UnitOfWork
from invenio_files_rest.models import ObjectVersion, ObjectVersionTag
from invenio_pidstore.errors import PIDDoesNotExistError
from invenio_pidstore.models import PersistentIdentifier, PIDStatus

from ..access.policies import MigrationPermissionPolicy
from ..core.errors import ConflictError, InvalidRequestError, NotFoundError, field_error
from ..core.uow import RecordCommitOp
from ..deposit.records.api import STATUS_PUBLISHED, Deposit
from ..deposit.services.uow import RecordIndexOp
from ..files.buckets import new_bucket
from ..files.snapshots import snapshot_bucket
from ..records.api import PublishedRecord, dump_files, link_bucket, user_metadata
from ..records.indexer import get_indexer
from ..records.proxies import current_record_service
from ..schemas import api as schemas_api
from ..schemas.errors import SchemaNotFoundError
from . import layout
from .crate import build_crate, people_of
from .tasks import build_package

DEFINITION_KEYS = (
    "name", "version", "fullname", "experiment", "is_indexed", "use_deposit_as_record",
    "allow_all", "config", "deposit_schema", "deposit_options", "deposit_mapping",
    "record_schema", "record_options", "record_mapping",
)


BUILD_STATES = {"PENDING": "queued", "STARTED": "running", "PROGRESS": "running",
                "SUCCESS": "done", "FAILURE": "failed", "RETRY": "queued", "REVOKED": "failed"}
"""What a background build's Celery state means to the caller."""


class CorruptFileError(ConflictError):
    """A stored file no longer matches its stored checksum: it cannot be preserved as is."""


def definition_of(schema):
    """The schema as ``POST /api/jsonschemas/`` takes it (what re-registers it)."""
    return {
        "name": schema.name,
        "version": schema.version,
        "fullname": schema.fullname or "",
        "experiment": schema.experiment,
        "is_indexed": schema.is_indexed,
        "use_deposit_as_record": schema.use_deposit_as_record,
        "allow_all": bool(schema.allow_all),
        "config": schema.config,
        "deposit_schema": schema.deposit_schema,
        "deposit_options": schema.deposit_options,
        "deposit_mapping": schema.deposit_mapping,
        "record_schema": schema.stored_record_schema,
        "record_options": schema.stored_record_options,
        "record_mapping": schema.stored_record_mapping,
    }


def definitions_with_refs(schema):
    """The definitions of ``schema`` and of every schema it ``$ref``s, dependencies first."""
    ordered, seen, pending = [], set(), [schema]
    while pending:
        current = pending.pop()
        if (current.name, current.version) in seen:
            continue
        seen.add((current.name, current.version))
        definition = definition_of(current)
        ordered.append(definition)
        for _, target in schemas_api.definition_refs(definition):
            if target is not None and target not in seen:
                pending.append(schemas_api.get_schema(*target))
    return list(reversed(ordered))


def _user_ids(data):
    """Every user id a record's JSON holds (owners, creator, grants)."""
    deposit = data.get("_deposit") or {}
    ids = set(deposit.get("owners") or [])
    if deposit.get("created_by") is not None:
        ids.add(deposit["created_by"])
    for grant in (data.get("_access") or {}).values():
        ids.update(grant.get("users") or [])
    return ids


def _map_users(data, mapping):
    """``data`` with its user ids replaced through ``mapping``."""
    data = json.loads(json.dumps(data))
    deposit = data.get("_deposit") or {}
    if "owners" in deposit:
        deposit["owners"] = [mapping[user] for user in deposit["owners"]]
    if deposit.get("created_by") is not None:
        deposit["created_by"] = mapping[deposit["created_by"]]
    for grant in (data.get("_access") or {}).values():
        grant["users"] = [mapping[user] for user in grant.get("users") or []]
    return data


def _grants_by_email(access, emails):
    return {
        action: {"users": sorted(emails[user] for user in grant.get("users") or []),
                 "roles": sorted(grant.get("roles") or [])}
        for action, grant in (access or {}).items()
    }


def deposit_grants(record_access):
    """Draft grants from a record's grants (``record-X`` -> ``deposit-X``)."""
    return {
        "deposit-" + action[len("record-"):]: {"users": list(grant["users"]),
                                                "roles": list(grant["roles"])}
        for action, grant in record_access.items() if action.startswith("record-")
    }


class PackageService:
    """Export and import packages (``cap export package``, ``cap import package``)."""

    # -- export -------------------------------------------------------------------
    @staticmethod
    def _build_dir():
        configured = current_app.config["CAP_PACKAGES_BUILD_DIR"]
        return Path(configured or Path(current_app.instance_path) / "packages")

    def _build(self, identity, recid, build_id):
        """The description of a build of ``recid`` (the caller must read the record)."""
        current_record_service.read(identity, recid)
        try:
            build_id = str(uuid.UUID(build_id))
        except ValueError:
            raise NotFoundError(f"No package build {build_id}.") from None
        marker = self._build_dir() / f"{build_id}.json"
        build = json.loads(marker.read_text()) if marker.is_file() else None
        if build is None or build["recid"] != recid:
            raise NotFoundError(f"No package build {build_id} of {recid}.")
        return build

    def start_build(self, identity, recid, all_revisions=False, layout_name=layout.BAGIT):
        """Queue the package of ``recid`` (a large record's): the build's status."""
        self._check_layout(layout_name)
        current_record_service.read(identity, recid)
        build_id = str(uuid.uuid4())
        folder = self._build_dir()
        folder.mkdir(parents=True, exist_ok=True)
        build = {"id": build_id, "recid": recid, "all_revisions": all_revisions,
                 "layout": layout_name, "file": str(folder / f"{build_id}.zip")}
        layout.write_json(folder / f"{build_id}.json", build)
        # Nothing is written to the database: no transaction to wait for.
        build_package.apply_async(args=(recid, build["file"], all_revisions, layout_name),
                                  task_id=build_id)
        return self.build_status(identity, recid, build_id)

    def build_status(self, identity, recid, build_id):
        """``{id, recid, state (queued, running, done, failed), done, total}`` of a build."""
        build = self._build(identity, recid, build_id)
        result = build_package.AsyncResult(build["id"])
        status = {"id": build["id"], "recid": recid, "state": BUILD_STATES.get(result.state,
                                                                                "running")}
        if result.state == "PROGRESS":
            status.update(done=result.info["done"], total=result.info["total"])
        if result.state == "FAILURE":
            status["message"] = str(result.info)
        return status

    def build_file(self, identity, recid, build_id):
        """The zip a finished build wrote; :class:`ConflictError` while it is not done."""
        build = self._build(identity, recid, build_id)
        if build_package.AsyncResult(build["id"]).state != "SUCCESS":
            raise ConflictError(f"The package build {build_id} is not done.")
        return Path(build["file"])

    @staticmethod
    def _check_layout(layout_name):
        if layout_name not in layout.LAYOUTS:
            message = f"One of {', '.join(layout.LAYOUTS)}."
            raise InvalidRequestError(f"Unknown layout {layout_name!r}.",
                                      [field_error(["layout"], message)])

    def export(self, identity, recid, target, all_revisions=False, layout_name=layout.BAGIT,
               progress=None):
        """Write the package of ``recid`` to ``target`` (a folder to create, a
        ``.zip`` file, or an existing folder to write ``<recid>/`` in); returns
        the path written.

        ``progress(done, total)`` is called after each file is copied.
        """
        self._check_layout(layout_name)
        current_record_service.read(identity, recid)  # the record readers' rule, 404/403 alike
        record = PublishedRecord.get_by_pid(recid)
        target = Path(target)
        if target.is_dir():  # an existing folder: the bag goes in it, named after the record
            target = target / recid
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            raise ConflictError(f"{target} exists already.")
        work = Path(tempfile.mkdtemp(prefix="cap-package-", dir=target.parent))
        try:
            bag_folder = work / "bag"
            self._write_payload(record, bag_folder, all_revisions, layout_name, progress)
            if target.suffix == ".zip":
                layout.zip_folder(bag_folder, target)
            else:
                bag_folder.rename(target)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return target

    def _revisions(self, record, all_revisions):
        if not all_revisions:
            return [record]
        revisions = [record.revision(index) for index in range(len(record.revisions))]
        return [revision for revision in revisions if revision.get("control_number")]

    def _write_payload(self, record, folder, all_revisions, layout_name, progress):
        config = current_app.config
        root = layout.content_root(folder, layout_name)
        revisions = self._revisions(record, all_revisions)
        schema = schemas_api.get_schema_by_url(record["$schema"])
        ids = set().union(*(_user_ids(revision) for revision in revisions), _user_ids(record))
        emails = dict(User.query.filter(User.id.in_(ids)).with_entities(User.id, User.email))
        heads = {
            revision.revision_id: ObjectVersion.get_by_bucket(revision["_bucket"]).all()
            if revision.get("_bucket") else []
            for revision in revisions
        }
        total, done, stored = sum(len(objects) for objects in heads.values()), 0, {}
        files = []
        for revision in revisions:
            folder_of = layout.revision_folder(revision.revision_id)
            layout.write_json(root / folder_of / "metadata.json", dict(revision))
            files.append((f"{folder_of}/metadata.json",
                          {"name": f"Record metadata, revision {revision.revision_id}",
                           "encodingFormat": "application/json"}))
            for obj in heads[revision.revision_id]:
                relative = folder_of / "files" / obj.key
                path = root / relative
                path.parent.mkdir(parents=True, exist_ok=True)
                with obj.file.storage().open("rb") as source, open(path, "wb") as sink:
                    shutil.copyfileobj(source, sink, 1 << 20)
                stored[path] = obj.file.checksum
                files.append((relative.as_posix(), {
                    "name": obj.key, "contentSize": obj.file.size,
                    "encodingFormat": obj.mimetype, "identifier": obj.file.checksum,
                    "version": str(revision.revision_id),
                }))
                done += 1
                if progress:
                    progress(done, total)
        definitions = definitions_with_refs(schema)
        layout.write_json(root / "schema" / "definitions.json", definitions)
        layout.write_json(root / "schema" / "record-schema.json",
                          schemas_api.resolve_refs(schema.record_schema))
        layout.write_json(root / "access.json", {
            "record": _grants_by_email(record.get("_access"), emails),
            "experiment": record.get("_experiment"),
        })
        layout.write_json(root / "history.json", [
            {
                "revision": version.revision_id,
                "updated": version.updated.isoformat() if version.updated else None,
                "included": version.revision_id in heads,
                "files": [{"key": entry["key"], "checksum": entry["checksum"],
                           "size": entry["size"]} for entry in dict(version).get("_files") or []],
            }
            for version in record.revisions
        ])
        layout.write_json(root / "users.json", {str(user): email for user, email in emails.items()})
        package = self._description(record, schema, revisions, layout_name)
        layout.write_json(root / layout.PACKAGE_FILE, package)
        for name, label in (("schema/definitions.json", "Schema definitions"),
                            ("schema/record-schema.json", "Record JSON Schema, resolved"),
                            ("access.json", "Access grants"), ("history.json", "Revisions"),
                            ("users.json", "Accounts"), (layout.PACKAGE_FILE, "CAP package")):
            files.append((name, {"name": label, "encodingFormat": "application/json"}))
        build_crate(root, package, files, config["CAP_PACKAGES_PEOPLE_KEYS"])
        if layout_name == layout.ARCHIVEMATICA:
            layout.write_json(folder / "metadata" / "metadata.json", layout.dublin_core(package))
        bag = layout.make_bag(folder, {
            "Source-Organization": config["CAP_PACKAGES_SOURCE_ORGANIZATION"],
            "External-Identifier": record.recid,
            "External-Description": package["title"],
            "CAP-Revisions": " ".join(str(n) for n in package["revisions"]),
            "CAP-Layout": layout_name,
        }, processes=config["CAP_PACKAGES_PROCESSES"])
        self._check_stored_md5(bag, folder, stored)

    @staticmethod
    def _check_stored_md5(bag, folder, stored):
        """Each file's stored MD5 against the one bagit computed for the manifest."""
        manifest = bag.payload_entries()
        bad = []
        for written, checksum in stored.items():
            # make_bag moved the payload under data/.
            relative = (Path("data") / written.relative_to(folder)).as_posix()
            if checksum and checksum.startswith("md5:") and \
                    manifest[relative]["md5"] != checksum[len("md5:"):]:
                bad.append(field_error(["files", relative], f"stored {checksum}, read md5:"
                                       f"{manifest[relative]['md5']}"))
        if bad:
            raise CorruptFileError("Stored files differ from their checksums.", bad)

    @staticmethod
    def _description(record, schema, revisions, layout_name):
        metadata = record.metadata
        title = (metadata.get("general_title") or metadata.get("title")
                 or (metadata.get("basic_info") or {}).get("analysis_title") or record.recid)
        people = people_of(metadata, current_app.config["CAP_PACKAGES_PEOPLE_KEYS"])
        return {
            "format": layout.PACKAGE_FORMAT,
            "format_version": layout.PACKAGE_FORMAT_VERSION,
            "layout": layout_name,
            "recid": record.recid,
            "depid": (record.get("_deposit") or {}).get("id"),
            "title": str(title),
            "description": str(metadata.get("description") or title),
            "publisher": current_app.config["CAP_PACKAGES_SOURCE_ORGANIZATION"],
            "license": current_app.config["CAP_PACKAGES_LICENSE"],
            "published": (record.created or datetime.now(UTC)).isoformat(),
            "exported": datetime.now(UTC).isoformat(),
            "schema": {"name": schema.name, "version": schema.version,
                       "url": schemas_api.schema_url(schema, kind="record")},
            "revisions": [revision.revision_id for revision in revisions],
            "people": [{"name": person["name"], "orcid": person.get("orcid")}
                       for person in people],
            "metadata": metadata,
        }

    # -- import -------------------------------------------------------------------
    def import_package(self, identity, path):
        """Recreate the record (and its draft) of the package at ``path`` (a bag
        folder or a zip of one): ``{recid, depid, revisions, schemas_registered}``."""
        MigrationPermissionPolicy("import").require(identity)
        path = Path(path)
        work = None
        try:
            if path.is_file():
                work = Path(tempfile.mkdtemp(prefix="cap-import-"))
                path = layout.unzip(path, work)
            bag = layout.open_bag(path, current_app.config["CAP_PACKAGES_PROCESSES"])
            _, root = layout.find_layout(Path(bag.path) / "data")
            return self._import(bag, root)
        finally:
            if work is not None:
                shutil.rmtree(work, ignore_errors=True)

    @staticmethod
    def _read(root, name):
        try:
            return json.loads((root / name).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise InvalidRequestError(f"{name} cannot be read.",
                                      [field_error(["package", name], str(error))]) from None

    def _plan(self, bag, root):
        package = self._read(root, layout.PACKAGE_FILE)
        if package.get("format") != layout.PACKAGE_FORMAT or \
                package.get("format_version") != layout.PACKAGE_FORMAT_VERSION:
            raise InvalidRequestError("Not a CAP package of a known format.", [
                field_error(["package", layout.PACKAGE_FILE, "format"],
                            f"{layout.PACKAGE_FORMAT} {layout.PACKAGE_FORMAT_VERSION} expected.")])
        revisions = [
            (number, self._read(root, f"{layout.revision_folder(number)}/metadata.json"))
            for number in package["revisions"]
        ]
        for pid_type, value in (("recid", package["recid"]), ("depid", package["depid"])):
            try:
                PersistentIdentifier.get(pid_type, value)
            except PIDDoesNotExistError:
                continue
            raise ConflictError(f"{value} exists here already.",
                                [field_error(["package", layout.PACKAGE_FILE, pid_type],
                                             f"{value} exists here already.")])
        # The bag is valid: its MD5s are the bytes'. A file listed with another
        # checksum would fail half-way through the writes; refuse it now.
        manifest = bag.payload_entries()
        for number, data in revisions:
            for index, entry in enumerate(data.get("_files") or []):
                file = root / layout.revision_folder(number) / "files" / entry["key"]
                where = ["package", str(layout.revision_folder(number)), "_files", str(index)]
                md5 = manifest.get(file.relative_to(bag.path).as_posix(), {}).get("md5")
                if md5 is None:
                    raise InvalidRequestError(f"{entry['key']} is missing.", [field_error(
                        where, f"{entry['key']}: not in the package.")])
                if entry.get("checksum", "").startswith("md5:") and \
                        entry["checksum"] != f"md5:{md5}":
                    raise InvalidRequestError(f"{entry['key']}: checksum differs.", [field_error(
                        where, f"{entry['key']}: listed {entry['checksum']}, holds md5:{md5}.")])
        return package, revisions

    def _register_schemas(self, root, package):
        schema = package["schema"]
        try:
            return schemas_api.get_schema(schema["name"], schema["version"]), []
        except SchemaNotFoundError:
            pass
        missing = []
        for definition in self._read(root, "schema/definitions.json"):
            try:
                schemas_api.get_schema(definition["name"], definition["version"])
            except SchemaNotFoundError:
                missing.append(schemas_api.load_definition(definition))
        loaded = [found for found, _ in schemas_api.load_definitions(missing)]
        for found in loaded:
            schemas_api.create_indexes(found)
        return schemas_api.get_schema(schema["name"], schema["version"]), loaded

    def _users(self, root):
        """``{exported user id: local user id}``, accounts made (inactive) for unknown e-mails."""
        mapping = {}
        for exported, email in self._read(root, "users.json").items():
            user = User.query.filter(db.func.lower(User.email) == email.lower()).one_or_none()
            if user is None:
                user = current_datastore.create_user(email=email, password=None, active=False)
                db.session.flush()
            mapping[int(exported)] = user.id
        db.session.commit()
        return mapping

    @staticmethod
    def _fill(bucket, folder, entries, previous=None):
        """Make ``bucket`` hold ``entries`` from ``folder``, then lock it.

        ``previous``: the bucket of the revision before, as written here. The
        files a revision shares with it are copied by reference (as publishing
        does), so only the changed ones are read from the package.
        """
        current = {}
        if previous is not None:
            current = {entry["key"]: entry for entry in dump_files(previous, "")}
        wanted = {entry["key"]: entry for entry in entries}
        for key in set(current) - set(wanted):
            ObjectVersion.delete(bucket, key)
        for key, entry in wanted.items():
            kept = current.get(key)
            if kept and (kept["checksum"], kept["tags"]) == (entry["checksum"], entry.get("tags")
                                                              or {}):
                continue
            with open(folder / key, "rb") as stream:
                obj = ObjectVersion.create(bucket, key, stream=stream)
            if obj.file.checksum != entry["checksum"]:
                raise InvalidRequestError(f"{key}: checksum differs.", [field_error(
                    ["package", key], f"read {obj.file.checksum}, listed {entry['checksum']}")])
            for tag, value in (entry.get("tags") or {}).items():
                ObjectVersionTag.create(obj, tag, value)
        bucket.locked = True

    def _import(self, bag, root):
        package, revisions = self._plan(bag, root)
        schema, loaded = self._register_schemas(root, package)
        mapping = self._users(root)
        api_url = current_app.config["SITE_API_URL"]
        record, record_id, previous = None, uuid.uuid4(), None
        for number, data in revisions:
            data = _map_users(data, mapping)
            with UnitOfWork(db.session) as uow:
                if previous is None:
                    bucket = new_bucket()
                else:
                    bucket = snapshot_bucket(previous)
                    bucket.locked = False
                self._fill(bucket, root / layout.revision_folder(number) / "files",
                           data.get("_files") or [], previous)
                previous = bucket
                data["_bucket"] = str(bucket.id)
                data["_files"] = dump_files(bucket, api_url)
                if record is None:
                    PersistentIdentifier.create("recid", package["recid"], object_type="rec",
                                                object_uuid=record_id,
                                                status=PIDStatus.REGISTERED)
                    record = PublishedRecord.create_with_bucket(data, bucket, id_=record_id)
                    uow.register(RecordIndexOp(record, get_indexer()))
                else:
                    record = PublishedRecord.get_record(record_id)
                    record.clear()
                    record.update(data)
                    link_bucket(record, bucket)
                    uow.register(RecordCommitOp(record, get_indexer()))
                uow.commit()
        self._write_deposit(package, schema, PublishedRecord.get_record(record_id))
        return {
            "recid": package["recid"],
            "depid": package["depid"],
            "revisions": package["revisions"],
            "schemas_registered": [f"{found.name}-v{found.version}" for found in loaded],
        }

    def _write_deposit(self, package, schema, record):
        """The draft, published: the record's metadata and files, draft grants from its grants."""
        deposit_id = uuid.uuid4()
        data = dict(user_metadata(record))
        data["$schema"] = schemas_api.schema_url(schema, kind="deposit")
        data["_deposit"] = {
            "id": package["depid"],
            "status": STATUS_PUBLISHED,
            "created_by": record["_deposit"].get("created_by"),
            "owners": list(record["_deposit"].get("owners") or []),
            "pid": {"type": "recid", "value": record.recid, "revision_id": record.revision_id},
        }
        data["_access"] = deposit_grants(record.get("_access") or {})
        if record.get("_experiment"):
            data["_experiment"] = record["_experiment"]
        with UnitOfWork(db.session) as uow:
            bucket = snapshot_bucket(record.bucket, lock=True)
            PersistentIdentifier.create("depid", package["depid"], object_type="rec",
                                        object_uuid=deposit_id, status=PIDStatus.REGISTERED)
            deposit = Deposit.create_with_bucket(data, bucket, id_=deposit_id)
            uow.register(RecordIndexOp(deposit, get_indexer()))
            uow.commit()
