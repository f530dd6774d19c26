"""The API under fuzzing: upstream look-ups pointed at the local fakes."""

import pytest


@pytest.fixture(scope="module")
def app_config(app_config, orcid_server, ror_server, cadi_server, zenodo_server, reana_server):
    """Every upstream answered by a fake on 127.0.0.1 (an unreachable one is a 502)."""
    app_config.update(
        cadi_server.config,
        **zenodo_server.config,
        **reana_server.config,
        CAP_ORCID_API_URL=orcid_server.url,
        CAP_ROR_API_URL=ror_server.url,
        CAP_ORCID_TIMEOUT=2.0,
        CAP_ROR_TIMEOUT=2.0,
        CAP_CADI_TIMEOUT=2,
        # Fuzzing sends thousands of requests from one user in a minute.
        RATELIMIT_ENABLED=False,
    )
    return app_config
