"""Repository URLs as users paste them."""

import pytest

from cap.modules.core.errors import InvalidRequestError
from cap.modules.repositories.urls import RepositoryURL, parse_repository_url

HOSTS = {"github.com": {"type": "github"}, "gitlab.cern.ch": {"type": "gitlab"}}


@pytest.mark.parametrize(("url", "expected"), [
    ("https://github.com/cms-hig/hzz4l-analysis",
     RepositoryURL("github.com", "cms-hig", "hzz4l-analysis")),
    ("https://github.com/cms-hig/hzz4l-analysis.git",
     RepositoryURL("github.com", "cms-hig", "hzz4l-analysis")),
    ("https://github.com/cms-hig/hzz4l-analysis/tree/v1.0.0",
     RepositoryURL("github.com", "cms-hig", "hzz4l-analysis", "v1.0.0")),
    ("https://github.com/cms-hig/hzz4l-analysis/blob/main/analysis/fit.py",
     RepositoryURL("github.com", "cms-hig", "hzz4l-analysis", "main", "analysis/fit.py")),
    ("https://github.com/cms-hig/hzz4l-analysis/releases/tag/v1.0.0",
     RepositoryURL("github.com", "cms-hig", "hzz4l-analysis", "v1.0.0")),
    ("https://github.com/cms-hig/hzz4l-analysis/commit/0123abcd",
     RepositoryURL("github.com", "cms-hig", "hzz4l-analysis", "0123abcd")),
    ("https://gitlab.cern.ch/cms-hig/sub/hzz4l-fits",
     RepositoryURL("gitlab.cern.ch", "cms-hig/sub", "hzz4l-fits")),
    ("https://gitlab.cern.ch/cms-hig/hzz4l-fits/-/tree/dev",
     RepositoryURL("gitlab.cern.ch", "cms-hig", "hzz4l-fits", "dev")),
    ("https://gitlab.cern.ch/cms-hig/hzz4l-fits/-/blob/v1.0.0/analysis/fit.py",
     RepositoryURL("gitlab.cern.ch", "cms-hig", "hzz4l-fits", "v1.0.0", "analysis/fit.py")),
    ("https://gitlab.cern.ch/cms-hig/hzz4l-fits/-/tags/v1.0.0",
     RepositoryURL("gitlab.cern.ch", "cms-hig", "hzz4l-fits", "v1.0.0")),
])
def test_urls_name_host_repository_ref_and_file(url, expected):
    assert parse_repository_url(url, HOSTS) == expected


@pytest.mark.parametrize("url", [
    None, "", 42, "ftp://github.com/a/b", "https://bitbucket.org/a/b", "https://github.com/a",
    "https://github.com/a/b/c", "https://github.com/a/b/tree/v1/x", "https://github.com/a/b$/",
])
def test_other_urls_are_refused_naming_url(url):
    with pytest.raises(InvalidRequestError) as error:
        parse_repository_url(url, HOSTS)
    assert error.value.errors[0]["field"] == ["url"]
