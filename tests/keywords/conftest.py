"""Keywords tests: the spreadsheet export comes from the fake server on 127.0.0.1."""

import pytest
from fakes.cadi_server import start_cadi


@pytest.fixture(scope="module")
def sheet_server():
    """The fake serving ``/keywords.csv``."""
    server = start_cadi()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def app_config(app_config, sheet_server):
    """The keywords URL at the fake; short timeouts."""
    app_config.update(
        CAP_KEYWORDS_CSV_URL=f"{sheet_server.url}/keywords.csv",
        CAP_KEYWORDS_TIMEOUT=1,
        CAP_KEYWORDS_RETRIES=1,
        CAP_KEYWORDS_BACKOFF=0.01,
    )
    return app_config


@pytest.fixture()
def sheet(sheet_server, app):
    """The fake, behaving; the keywords index removed afterwards."""
    from cap.modules.keywords.index import delete_keywords_index

    sheet_server.reset()
    yield sheet_server
    sheet_server.reset()
    delete_keywords_index()
