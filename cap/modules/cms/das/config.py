"""Defaults of the DAS datasets module (copied into the app with ``setdefault``)."""

CAP_DAS_INDEX = "cms-datasets"
"""Alias of the datasets index (each load builds ``<alias>-<stamp>`` behind it)."""

CAP_DAS_SOURCE_FILE = None
"""Default list to load: a file, one dataset name a line."""

CAP_DAS_SOURCE_URL = None
"""Default list to load: a URL serving one dataset name a line."""

CAP_DAS_COMMAND = ["dasgoclient", "-query=dataset status=*"]
"""Command that prints the list (``cap cms load-datasets --command``)."""

CAP_DAS_URL_TIMEOUT = 60
"""Seconds to connect to, and between two reads from, the list URL."""

CAP_DAS_URL_RETRIES = 2
"""Extra attempts to open the list URL (refused, 429, 5xx)."""

CAP_DAS_BULK_CHUNK = 5000
"""Documents per bulk request while loading."""

CAP_DAS_BULK_THREADS = 2
"""Bulk requests sent in parallel while loading."""

CAP_DAS_MC_CAMPAIGNS = (
    r"^(?:RunII|Run3|PhaseII|HiFall|HINPbPb|HINppWinter|pPb\d*|Phase2)[A-Za-z0-9]*|"
    r"^(?:Summer|Fall|Spring|Winter|Autumn)\d\d"
)
"""Processed-dataset names of Monte Carlo campaigns (tiers with SIM are MC anyway)."""

CAP_DAS_DEFAULT_SIZE = 10
"""Suggestions a search returns without ``size``."""

CAP_DAS_MAX_SIZE = 100
"""Most suggestions a search returns."""

CAP_DAS_VALIDATE = True
"""Check dataset names on save (only once a list has been loaded)."""

CAP_DAS_SCHEMA_KEYWORD = "x-cap-das-dataset"
"""Schema keyword marking a field that holds a DAS dataset name (``true``,
``"data"`` or ``"mc"``)."""

CAP_DAS_DEMO_FILE = None
"""Dataset list ``cap setup --demo`` loads (``None``: the one shipped in the package)."""

CAP_DAS_RELOAD_WITH_COMMAND = False
"""Let the daily reload run ``CAP_DAS_COMMAND`` when no file or URL is configured."""

CAP_DAS_TASK_MAX_RETRIES = 5
"""Retries of a failed daily reload."""

CAP_DAS_TASK_RETRY_BACKOFF = 300
"""Seconds before the first retry of a failed reload; doubled at each further one."""
