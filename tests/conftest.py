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

TEST_DATABASE_URI = os.environ.get(
    "SQLALCHEMY_DATABASE_URI",
    "postgresql+psycopg2://cap:cap@127.0.0.1:5432/cap_test",
)
TEST_INDEX_PREFIX = os.environ.get(
    "CAP_TEST_INDEX_PREFIX", f"test-{uuid.uuid4().hex[:8]}-"
)


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
        CACHE_TYPE="redis",
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
