"""Defaults of the repositories module (``CAP_REPOSITORIES_*``)."""

from pathlib import Path

CAP_REPOSITORIES_HOSTS = {
    "github.com": {"type": "github", "api_url": "https://api.github.com", "token": None},
    "gitlab.cern.ch": {"type": "gitlab", "api_url": "https://gitlab.cern.ch/api/v4",
                       "token": None},
}
"""Git hosts CAP attaches from: web host -> ``{type: github|gitlab, api_url, token}``.

``token`` is the service account CAP creates hooks (and reads private
repositories) with; ``None``: public repositories only, no webhooks."""

CAP_REPOSITORIES_MAX_SIZE = 1024**3
"""Largest archive or file a snapshot downloads, in bytes (the bucket's own limit applies too)."""

CAP_REPOSITORIES_TIMEOUT = 30
"""Seconds one call to a git host may take in all (retries included)."""

CAP_REPOSITORIES_DOWNLOAD_TIMEOUT = 600
"""Seconds one archive download may take in all."""

CAP_REPOSITORIES_RETRIES = 2
"""Extra attempts after a refused connection, a 429 or a 5xx answer."""

CAP_REPOSITORIES_WEBHOOK_URL = None
"""Where git hosts deliver events; ``None``: ``SITE_API_URL`` + ``/repos/event``."""

CAP_REPOSITORIES_DEMO_URL = None
"""The repository (at a ref) ``cap setup --demo`` snapshots into a demo draft; ``None``:
no such draft (``./scripts/run`` names its demo GitHub's analysis at ``v1.0.0``)."""

CAP_REPOSITORIES_TEMPLATES_DIR = str(Path(__file__).parent / "templates")
"""Where a legacy repository template's ``template_file`` is looked up (and nowhere else);
it holds the names legacy CAP's schemas use (``repos/name/atlas.html``...)."""
