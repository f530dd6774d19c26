"""Shared fixtures: the real PostgreSQL, OpenSearch, Redis and RabbitMQ.

``./scripts/test`` starts the services and exports the URLs; the defaults
below point at the same loopback services so a bare ``pytest`` works too.
Tests use their own database (``cap_test``) and a per-run index prefix, so
they never touch the instance that ``./scripts/run`` serves.
"""

import os
import uuid

import pytest
from invenio_app.factory import create_api
from sqlalchemy.engine import make_url
from sqlalchemy_utils.functions import database_exists, drop_database

RUN_ID = uuid.uuid4().hex[:8]
# Each run gets its own database, so parallel runs never share tables.
TEST_DATABASE_URI = make_url(
    os.environ.get(
        "SQLALCHEMY_DATABASE_URI",
        "postgresql+psycopg2://cap:cap@127.0.0.1:5432/cap_test",
    )
)
TEST_DATABASE_URI = TEST_DATABASE_URI.set(
    database=f"{TEST_DATABASE_URI.database}_{RUN_ID}"
).render_as_string(hide_password=False)
TEST_INDEX_PREFIX = os.environ.get("CAP_TEST_INDEX_PREFIX", f"test-{RUN_ID}-")


def pytest_sessionfinish(session, exitstatus):
    """Drop this run's database."""
    if database_exists(TEST_DATABASE_URI):
        drop_database(TEST_DATABASE_URI)


@pytest.fixture(scope="module")
def db_uri():
    """The test database on the real PostgreSQL."""
    yield TEST_DATABASE_URI


@pytest.fixture(scope="module")
def app_config(app_config):
    """Test configuration on top of pytest-invenio's defaults."""
    app_config.update(
        SEARCH_INDEX_PREFIX=TEST_INDEX_PREFIX,
        SERVER_NAME="127.0.0.1:5000",
        SITE_UI_URL="http://127.0.0.1:5000",
        SITE_API_URL="http://127.0.0.1:5000/api",
        CACHE_TYPE="RedisCache",
        CACHE_REDIS_URL=os.environ.get("CACHE_REDIS_URL", "redis://127.0.0.1:6379/0"),
        ACCOUNTS_SESSION_REDIS_URL=os.environ.get(
            "ACCOUNTS_SESSION_REDIS_URL", "redis://127.0.0.1:6379/1"
        ),
    )
    return app_config


@pytest.fixture(scope="module")
def create_app(instance_path):
    """The REST API application (served under /api in production)."""
    return create_api


@pytest.fixture(scope="module")
def create_user(app, database):
    """Factory: a confirmed user with roles, committed, plus a personal token.

    Returns a small object with ``.user``, ``.id``, ``.email``, ``.token``,
    ``.headers`` (Bearer token, JSON) and ``.identity`` (for service calls).
    Module-scoped data: the ``database`` fixture drops it with the module.
    """
    from flask_principal import Identity
    from invenio_access.permissions import any_user, authenticated_user
    from invenio_access.utils import get_identity
    from invenio_accounts.proxies import current_datastore
    from invenio_db import db as db_
    from invenio_oauth2server.models import Token

    from cap.modules.instance.fixtures import ensure_role

    class TestUser:
        def __init__(self, user, token):
            self.user, self.id, self.email = user, user.id, user.email
            self.token = token
            self.headers = {
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            }

        @property
        def identity(self):
            identity = get_identity(self.user)
            identity.provides.add(authenticated_user)
            return identity

    def factory(email, roles=(), scopes=None):
        user = current_datastore.create_user(email=email, password=None, active=True)
        user.confirmed_at = db_.func.now()
        for name in roles:
            current_datastore.add_role_to_user(user, ensure_role(name))
        db_.session.commit()
        token = Token.create_personal(f"test-{email}", user.id, scopes=scopes)
        db_.session.commit()
        return TestUser(user, token.access_token)

    factory.anonymous = Identity(None)
    factory.anonymous.provides.add(any_user)
    return factory


@pytest.fixture(scope="module")
def experiment_roles(app, database):
    """The experiment e-group roles with their ``<exp>-access`` grants, and superusers."""
    from cap.modules.instance.fixtures import load_roles

    load_roles()
