"""Look-up tests: fake ORCID and ROR APIs on 127.0.0.1, a private status hash."""

import uuid

import pytest


@pytest.fixture(scope="module")
def app_config(app_config, orcid_server, ror_server):
    """Clients pointed at the fakes, with short timeouts; a status hash of our own."""
    run = uuid.uuid4().hex  # a base URL of our own: cache keys of our own
    app_config.update(
        CAP_ORCID_API_URL=orcid_server.url.replace("/v3.0", f"/{run}/v3.0"),
        CAP_ORCID_TIMEOUT=1.0,
        CAP_ORCID_RETRIES=2,
        CAP_ORCID_BACKOFF=0.05,
        CAP_ROR_API_URL=ror_server.url.replace("/v2", f"/{run}/v2"),
        CAP_ROR_TIMEOUT=1.0,
        CAP_ROR_RETRIES=2,
        CAP_ROR_BACKOFF=0.05,
        CAP_SERVICES_STATUS_KEY=f"cap:test:status:{run}",
    )
    return app_config


@pytest.fixture(autouse=True)
def _fresh(request, orcid_server, ror_server):
    """Fakes back to normal and an empty status hash for each test."""
    orcid_server.reset()
    ror_server.reset()
    yield
    if "app" in request.fixturenames:
        from cap.modules.services.proxies import current_status

        current_status.clear()
