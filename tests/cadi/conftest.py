"""CADI tests: the app talks to a fake CERN auth + CADI server on 127.0.0.1."""

import pytest


@pytest.fixture(scope="module")
def app_config(app_config, cadi_server):
    """CADI settings pointing at the fake; short timeouts and backoff."""
    app_config.update(
        cadi_server.config,
        CAP_CADI_TIMEOUT=1,
        CAP_CADI_RETRIES=2,
        CAP_CADI_BACKOFF=0.05,
        CAP_CADI_PAGE_SIZE=7,
        CAP_CADI_TASK_MAX_RETRIES=1,
        CAP_CADI_TASK_RETRY_BACKOFF=0,
    )
    return app_config


@pytest.fixture()
def fake_cadi(cadi_server, app):
    """The fake with its sample data, behaving; the app's cached token forgotten."""
    cadi_server.reset()
    app.extensions["cap-cadi"]._client = None
    yield cadi_server
    cadi_server.reset()
