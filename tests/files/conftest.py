"""Fixtures for the files endpoints: users per role, a draft and a published record.

The deposit module builds these for real; here they are made by hand with the
JSON shapes it writes (``_access`` grants, ``_deposit.status``,
``_experiment``, ``$schema``) on ``invenio_records_files`` records linked to
their buckets through ``RecordsBuckets``.

Their buckets are in ``files_location``: the module's local location, or,
for a test marked ``@on_every_backend``, a location on each storage backend
in turn (local, a real XRootD server, a real S3 server).
"""

import io
from types import SimpleNamespace

import pytest
from invenio_files_rest.models import Bucket, Location, ObjectVersion
from invenio_records_files.api import Record
from support.storage import BACKENDS


@pytest.fixture(scope="session")
def storage_backends():
    """``get(name)``: the backend of that name, started on first use, stopped at the end."""
    started = {}

    def get(name):
        if name not in started:
            started[name] = BACKENDS[name]()
        return started[name]

    yield get
    for backend in started.values():
        backend.close()


@pytest.fixture
def backend_for(app, storage_backends):
    """``backend_for(name)``: that backend, the app configured to reach it
    (before its first use: invenio-s3 keeps the settings it first read)."""

    def get(name):
        backend = storage_backends(name)
        app.config.update(backend.app_config())
        return backend

    return get


@pytest.fixture
def files_location(request, db, location, backend_for):
    """The default location of the test: the module's own (local), or with a
    backend parameter a new one on that backend (undone with the test's
    transaction). Its backend is ``files_location.backend``."""
    name = getattr(request, "param", "local")
    backend = backend_for(name)
    if name == "local":
        location.backend = backend
        return location
    # The module's location object belongs to another session: change the row.
    db.session.query(Location).filter_by(default=True).update({"default": False})
    other = Location(name=f"pytest-{name}", uri=backend.new_location_uri(), default=True)
    db.session.add(other)
    db.session.commit()
    other.backend = backend
    return other

SCHEMA_HOST = "https://analysispreservation.cern.ch/schemas"
DRAFT_SCHEMA = f"{SCHEMA_HOST}/deposits/records/cms-analysis-v1.0.0.json"
RECORD_SCHEMA = f"{SCHEMA_HOST}/records/cms-analysis-v1.0.0.json"


class FixtureRecord(Record):
    """A files-enabled record whose ``$schema`` URL is not resolved (no schema server here)."""

    def _validate(self, format_checker=None, validator=None, use_model=False):
        return self.model.json if use_model else self.model_cls.encode(dict(self))


@pytest.fixture(scope="module")
def users(create_user, experiment_roles):
    """One user per role of the access matrix."""
    return SimpleNamespace(
        owner=create_user("owner@cern.ch"),
        reader=create_user("reader@cern.ch"),
        editor=create_user("editor@cern.ch"),
        stranger=create_user("stranger@cern.ch"),
        cms=create_user("cms-member@cern.ch", roles=["cms-members@cern.ch"]),
        admin=create_user("support@cern.ch", roles=["analysis-preservation-support@cern.ch"]),
    )


def grants(users_, roles=()):
    return {"users": [user.id for user in users_], "roles": list(roles)}


def access(kind, u):
    """``_access`` of a ``kind`` (deposit|record): ``owner`` all, ``reader`` reads,
    ``editor`` updates."""
    return {
        f"{kind}-read": grants([u.owner, u.reader]),
        f"{kind}-update": grants([u.owner, u.editor]),
        f"{kind}-admin": grants([u.owner]),
    }


def draft_document(u, deposit_id="d1"):
    """A CMS draft of ``owner``, readable by ``reader``, editable by ``editor``."""
    return {
        "$schema": DRAFT_SCHEMA,
        "_deposit": {"id": deposit_id, "status": "draft", "created_by": u.owner.id},
        "_experiment": "CMS",
        "_access": access("deposit", u),
        "title": "A draft",
    }


@pytest.fixture
def draft(db, files_location, users):
    """:func:`draft_document` as a record with its bucket (rolled back after the test)."""
    record = FixtureRecord.create(draft_document(users))
    db.session.commit()
    return record


@pytest.fixture(scope="module")
def committed_draft(database, location, users):
    """:func:`draft_document` committed for real, for a server in another process
    (the module's database is dropped with the module)."""
    record = FixtureRecord.create(draft_document(users, deposit_id="d-served"))
    database.session.commit()
    return record


@pytest.fixture
def bucket_id(draft):
    """The draft's bucket id, as clients take it from ``links.bucket``."""
    return str(draft.bucket_id)


@pytest.fixture
def published(db, files_location, users, draft):
    """The draft, published: a record with a locked snapshot bucket holding one file."""
    ObjectVersion.create(draft.bucket, "data/result.txt", stream=io.BytesIO(b"published bytes"))
    snapshot = draft.bucket.snapshot(lock=True)
    draft.bucket.locked = True
    record = FixtureRecord.create(
        {
            "$schema": RECORD_SCHEMA,
            "_deposit": {"id": "d1", "status": "published", "pid": {"value": "CAP.CMS.TEST.0001"}},
            "_experiment": "CMS",
            "_access": access("record", users),
            "title": "A draft",
        },
        with_bucket=False,
    )
    from invenio_records_files.models import RecordsBuckets

    RecordsBuckets.create(record=record.model, bucket=snapshot)
    db.session.commit()
    return SimpleNamespace(record=record, bucket_id=str(snapshot.id), draft=draft)


@pytest.fixture
def orphan_bucket(db, location):
    """A bucket linked to no record."""
    bucket = Bucket.create()
    db.session.commit()
    return str(bucket.id)


def auth_headers(user, **headers):
    """Headers of a raw-body request as ``user`` (``None``: anonymous)."""
    if user is not None:
        headers["Authorization"] = f"Bearer {user.token}"
    return headers


@pytest.fixture
def auth():
    """``auth(user, **headers)``: request headers as ``user`` (``None``: anonymous)."""
    return auth_headers


@pytest.fixture
def upload(client):
    """PUT ``body`` at ``key`` of ``bucket`` as ``user``."""

    def put(bucket, key, body=b"some bytes", user=None, **headers):
        return client.put(
            f"/files/{bucket}/{key}", data=body, headers=auth_headers(user, **headers)
        )

    return put


@pytest.fixture
def draft_file(db, draft):
    """The draft holding ``data/input.txt``."""
    ObjectVersion.create(draft.bucket, "data/input.txt", stream=io.BytesIO(b"input bytes"))
    db.session.commit()
    return "data/input.txt"


@pytest.fixture
def make_draft(db, files_location, users):
    """Factory: a :func:`draft_document` under a deposit id of the caller's (rolled back)."""

    def make(deposit_id):
        record = FixtureRecord.create(draft_document(users, deposit_id=deposit_id))
        db.session.commit()
        return record

    return make
