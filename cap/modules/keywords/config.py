"""Defaults of the keywords module (``CAP_KEYWORDS_*``, copied with ``setdefault``)."""

from pathlib import Path

CAP_KEYWORDS_CSV_URL = (
    "https://docs.google.com/spreadsheets/d/CMS-ANALYSIS-KEYWORDS/export?format=csv"
)
"""CSV export URL of the CMS analysis keywords spreadsheet (set the real sheet id)."""

CAP_KEYWORDS_TIMEOUT = 10
"""Seconds for each download attempt."""

CAP_KEYWORDS_RETRIES = 2
"""Extra download attempts after a connection error, a timeout or a 5xx/429."""

CAP_KEYWORDS_BACKOFF = 0.5
"""First wait between attempts, in seconds; doubles each time."""

CAP_KEYWORDS_MAX_BYTES = 5 * 1024 * 1024
"""Largest CSV accepted."""

CAP_KEYWORDS_INDEX = "cms-keywords"
"""Alias of the keywords index (prefixed with ``SEARCH_INDEX_PREFIX``)."""

CAP_KEYWORDS_MAX_SIZE = 50
"""Most suggestions ``GET /cms/keywords`` returns (``size``)."""

CAP_KEYWORDS_DEFAULT_SIZE = 10
"""Suggestions returned when ``size`` is not given."""

CAP_KEYWORDS_DEMO_FILE = str(Path(__file__).parent / "data" / "cms_keywords.csv")
"""Sample spreadsheet export loaded by ``cap setup --demo``."""
