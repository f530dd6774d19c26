"""Demo content for ``cap setup --demo``: one draft per type, some published.

Each schema's ``example.json`` becomes a draft of the first demo user who may
create that type (non-superusers first), with the files under
``example-files/`` next to it (keys are their paths there); drafts that
validate fully are published. Idempotent: a user who already has a draft of
a type is skipped.
"""

import json
from pathlib import Path

from flask import current_app
from invenio_access.permissions import authenticated_user
from invenio_access.utils import get_identity
from invenio_accounts.models import User
from invenio_db import db
from invenio_files_rest.models import ObjectVersion
from invenio_records.models import RecordMetadata

from ..access.generators import is_superuser, schema_name_of
from ..access.policies import DepositPermissionPolicy
from ..schemas.api import list_schemas, validate
from .proxies import current_deposit_service


def demo_identity(user):
    """The identity of a demo user, logged in."""
    identity = get_identity(user)
    identity.provides.add(authenticated_user)
    return identity


def demo_draft(email, data):
    """``(pid, identity of its owner, created)`` of the demo draft titled
    ``data["general_title"]``: the one a previous ``cap setup --demo`` made, else a
    new one of ``email`` from ``data``; ``None`` without that user."""
    user = User.query.filter_by(email=email).one_or_none()
    if user is None:
        return None
    identity = demo_identity(user)
    existing = RecordMetadata.query.filter(
        RecordMetadata.json["general_title"].as_string() == data["general_title"],
        RecordMetadata.json["control_number"].is_(None),
    ).first()
    if existing is not None:
        return existing.json["_deposit"]["id"], identity, False
    return current_deposit_service.create(identity, data).pid, identity, True


def _folder(schema):
    return Path(current_app.config["CAP_SCHEMAS_DIR"]) / schema.name / f"v{schema.version}"


def _example(schema):
    path = _folder(schema) / "example.json"
    return json.loads(path.read_text()) if path.exists() else None


def _attach_example_files(schema, deposit):
    """The schema's ``example-files/`` into the draft's bucket (what its
    ``files_description`` names; Zenodo publishes records with files only)."""
    root = _folder(schema) / "example-files"
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        with path.open("rb") as stream:
            ObjectVersion.create(deposit.bucket, path.relative_to(root).as_posix(),
                                 stream=stream)
    db.session.commit()


def demo_record(schema):
    """``(recid, identity of its owner)`` of the record :func:`load_demo_deposits`
    published from ``schema``'s example (found by its title), or ``None``."""
    example = _example(schema)
    if example is None:
        return None
    rows = RecordMetadata.query.filter(
        RecordMetadata.json["general_title"].as_string() == example["general_title"],
        RecordMetadata.json["control_number"].isnot(None),
    )
    row = next((row for row in rows if schema_name_of(row.json) == schema.name), None)
    if row is None:
        return None
    owner = db.session.get(User, row.json["_deposit"]["created_by"])
    return row.json["control_number"], demo_identity(owner)


def _types_of(user):
    """Deposit types the user already created drafts of."""
    rows = RecordMetadata.query.filter(
        RecordMetadata.json["_deposit"]["created_by"].as_integer() == user.id,
        RecordMetadata.json["control_number"].is_(None),
    )
    return {schema_name_of(row.json) for row in rows if row.json}


def load_demo_deposits(publish=True):
    """Create the demo drafts; returns ``[(email, type, pid, recid or None)]``."""
    emails = [spec["email"] for spec in current_app.config["CAP_DEMO_USERS"]]
    users = [u for u in (User.query.filter_by(email=e).one_or_none() for e in emails) if u]
    identities = [(user, demo_identity(user)) for user in users]
    # Members first: the superuser could create everything.
    identities.sort(key=lambda pair: is_superuser(pair[1]))
    created = []
    for schema in list_schemas(latest_only=True):
        example = _example(schema)
        if example is None:
            continue
        record = {"_experiment": schema.experiment} if schema.experiment else {}
        policy = DepositPermissionPolicy("create", schema=schema.name, record=record)
        owner = next(((u, i) for u, i in identities if policy.allows(i)), None)
        if owner is None:
            continue
        user, identity = owner
        if schema.name in _types_of(user):
            continue
        deposit = current_deposit_service.create(
            identity, {"$ana_type": schema.name, **example}
        )
        _attach_example_files(schema, deposit)
        recid = None
        if publish and not validate(schema, deposit.metadata, kind="record", full=True):
            recid = current_deposit_service.publish(identity, deposit.pid).recid
        created.append((user.email, schema.name, deposit.pid, recid))
    return created
