"""The daily reload task: configured source, skip when none, retries when down."""

import pytest
from fakes.das_server import DATASETS

from cap.modules.cms.das import api
from cap.modules.cms.das.tasks import reload_datasets
from cap.modules.services.proxies import current_status


@pytest.fixture
def das_config(app):
    """Restore the DAS settings a test changes."""
    keys = ("CAP_DAS_SOURCE_URL", "CAP_DAS_SOURCE_FILE", "CAP_DAS_RELOAD_WITH_COMMAND",
            "CAP_DAS_TASK_MAX_RETRIES", "CAP_DAS_TASK_RETRY_BACKOFF", "CAP_DAS_URL_RETRIES")
    saved = {key: app.config[key] for key in keys}
    yield app.config
    app.config.update(saved)


def test_nothing_configured_is_skipped(das_index, das_config):
    result = reload_datasets.apply()
    assert result.successful()
    assert result.result == {"skipped": "no DAS source configured"}
    assert not das_index.exists()


def test_reload_from_the_configured_url(das_index, das_config, das_list_server):
    das_config["CAP_DAS_SOURCE_URL"] = das_list_server.url + "/datasets.txt"
    result = reload_datasets.apply()
    assert result.successful(), result.traceback
    assert result.result["indexed"] == len(DATASETS)
    assert (result.result["data"], result.result["mc"]) == (8, 5)
    assert api.search("", size=1)[0] == len(DATASETS)


def test_down_source_is_retried_then_fails_keeping_the_index(
    das_index, das_config, das_list_server, datasets_file
):
    das_config["CAP_DAS_SOURCE_FILE"] = str(datasets_file)
    assert reload_datasets.apply().successful()
    before = das_index.current_indexes()
    das_config.update(
        CAP_DAS_SOURCE_FILE=None,
        CAP_DAS_SOURCE_URL=das_list_server.url + "/datasets.txt",
        CAP_DAS_TASK_MAX_RETRIES=1,
        CAP_DAS_TASK_RETRY_BACKOFF=0,
        CAP_DAS_URL_RETRIES=0,
    )
    das_list_server.mode = "down"
    result = reload_datasets.apply()
    assert result.failed()
    assert das_list_server.calls == ["/datasets.txt", "/datasets.txt"]  # a try and a retry
    assert das_index.current_indexes() == before
    state = current_status.read()["das"]
    assert state["status"] == "failing"
    assert "HTTP 503" in state["last_failure"]["message"]
