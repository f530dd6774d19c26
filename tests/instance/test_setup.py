"""``cap setup`` creates what an instance needs, twice in a row safely."""

import os
import subprocess
import sys
import time

import pytest
from invenio_access.models import ActionRoles
from invenio_accounts.models import Role, User
from invenio_files_rest.models import Location
from invenio_oauth2server.models import Token

from cap.modules.access.generators import schema_name_of
from cap.modules.instance.cli import setup
from cap.modules.records.api import PublishedRecord


def _counts():
    return {
        "roles": Role.query.count(),
        "users": User.query.count(),
        "tokens": Token.query.count(),
        "action_roles": ActionRoles.query.count(),
        "locations": Location.query.count(),
    }


@pytest.mark.indexes_documents  # the demo drafts and records
def test_setup_twice_is_safe(app, db, cli_runner):
    first = cli_runner(setup, None, "--demo")
    assert first.exit_code == 0, first.output
    after_first = _counts()
    assert after_first["users"] == len(app.config["CAP_DEMO_USERS"])
    assert after_first["tokens"] == len(app.config["CAP_DEMO_USERS"])
    assert Role.query.filter_by(name="cms-members@cern.ch").one()
    cms_grant = ActionRoles.query.filter_by(action="cms-access").one()
    assert cms_grant.role.name == "cms-members@cern.ch"
    superuser_grants = ActionRoles.query.filter_by(action="superuser-access").all()
    assert {grant.role.name for grant in superuser_grants} == set(
        app.config["CAP_SUPERUSER_ROLES"]
    )

    # The generic demo record is opened to the world, once; the others stay closed.
    opened = [line for line in first.output.splitlines()
              if "open to the world (by its owner)" in line]
    assert len(opened) == 1, first.output
    recid = opened[0].split()[1]
    record = PublishedRecord.get_by_pid(recid)
    assert record["_public"] is True and schema_name_of(record) == "generic"

    second = cli_runner(setup, None, "--demo")
    assert second.exit_code == 0, second.output
    assert _counts() == after_first
    assert opened[0] in second.output.splitlines()  # the same record, left as it is
    # The same tokens are printed again, not new ones.
    tokens_first = sorted(line for line in first.output.splitlines() if "token:" in line)
    tokens_second = sorted(line for line in second.output.splitlines() if "token:" in line)
    assert tokens_first == tokens_second


def _run_setup(tmp_path, **env_overrides):
    env = {
        **os.environ,
        "INVENIO_INSTANCE_PATH": str(tmp_path),
        "INVENIO_SECRET_KEY": "test-secret-key",
        "INVENIO_SEARCH_INDEX_PREFIX": "test-failfast-",
        **env_overrides,
    }
    started = time.monotonic()
    result = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "cap"), "setup"],
        env=env, capture_output=True, text=True, timeout=120,
    )
    return result, time.monotonic() - started


def test_wrong_database_url_fails_fast_naming_it(tmp_path):
    result, elapsed = _run_setup(
        tmp_path,
        INVENIO_SQLALCHEMY_DATABASE_URI="postgresql+psycopg2://cap:cap@127.0.0.1:1/cap",
    )
    assert result.returncode == 1
    assert "db is unreachable" in result.stderr
    assert "127.0.0.1:1" in result.stderr
    assert "search is unreachable" not in result.stderr
    assert elapsed < 60


def test_search_down_fails_fast_naming_it(tmp_path):
    result, elapsed = _run_setup(
        tmp_path, INVENIO_SEARCH_HOSTS="[{'host': '127.0.0.1', 'port': 1}]"
    )
    assert result.returncode == 1
    assert "search is unreachable" in result.stderr
    assert "db is unreachable" not in result.stderr
    assert elapsed < 60


def test_a_remote_files_location_makes_no_local_folder(app, db, tmp_path, monkeypatch):
    from cap.modules.instance.fixtures import load_location

    monkeypatch.chdir(tmp_path)
    db.session.query(Location).filter_by(default=True).update({"default": False})
    uri = "root://127.0.0.1:1094//cap/files/"
    location = load_location(uri)
    assert (location.uri, location.default) == (uri, True)
    assert list(tmp_path.iterdir()) == []  # no "root:" folder in the working directory


def test_setup_creates_a_missing_database(app, tmp_path):
    """A second instance on the same PostgreSQL names a database of its own."""
    import uuid

    from invenio_search import current_search_client
    from sqlalchemy_utils.functions import database_exists, drop_database

    name = f"cap_setup_{uuid.uuid4().hex[:8]}"
    url = f"postgresql+psycopg2://cap:cap@127.0.0.1:5432/{name}"
    prefix = f"test-setupdb-{name[-8:]}-"
    try:
        result, _ = _run_setup(tmp_path, INVENIO_SQLALCHEMY_DATABASE_URI=url,
                               INVENIO_SEARCH_INDEX_PREFIX=prefix)
        assert result.returncode == 0, result.stderr
        assert f"database {name} created" in result.stdout
        assert database_exists(url)
    finally:
        if database_exists(url):
            drop_database(url)
        current_search_client.indices.delete(index=f"{prefix}*", ignore_unavailable=True)
