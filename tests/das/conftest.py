"""DAS tests: a dataset list, a fake host serving it, and a clean index."""

import pytest
from fakes.das_server import DATASETS, MALFORMED


@pytest.fixture(scope="module")
def app_config(app_config):
    """Dataset names checked on save (trigger names not: their own tests do that)."""
    app_config.update(CAP_DAS_VALIDATE=True, CAP_TRIGGERS_VALIDATE=False)
    return app_config


@pytest.fixture(scope="module")
def das_list_server():
    """The fake host of the dataset list."""
    from fakes.das_server import start_das_list

    server = start_das_list(DATASETS)
    yield server
    server.stop()


@pytest.fixture
def das_index(app, das_list_server):
    """No dataset index before the test, none left after it."""
    from cap.modules.cms.das.api import dataset_index

    index = dataset_index()
    index.delete()
    das_list_server.reset()
    yield index
    index.delete()


@pytest.fixture
def datasets_file(tmp_path):
    """The list as a file, with a comment, blank and malformed lines, and a duplicate."""
    path = tmp_path / "datasets.txt"
    lines = ["# dasgoclient -query='dataset status=*'", "", *DATASETS, *MALFORMED, DATASETS[0]]
    path.write_text("\n".join(f"  {line}  " for line in lines) + "\n")
    return path


@pytest.fixture
def loaded(das_index, datasets_file):
    """The list loaded."""
    from cap.modules.cms.das import api, sources

    api.load(sources.from_file(datasets_file), replace=True)
    return das_index


@pytest.fixture(scope="module")
def searchable_datasets(app, tmp_path_factory):
    """The list loaded once for a module of read-only tests."""
    from cap.modules.cms.das import api, sources

    path = tmp_path_factory.mktemp("das") / "datasets.txt"
    path.write_text("\n".join(DATASETS) + "\n")
    index = api.dataset_index()
    index.delete()
    api.load(sources.from_file(path), replace=True)
    yield index
    index.delete()
