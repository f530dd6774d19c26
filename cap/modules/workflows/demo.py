"""Demo content of ``cap setup --demo``: a CMS draft with a REANA workflow.

The draft holds ``reana.yaml``, its code and data (``data/demo/``) and lists
the workflow in ``workflows``; ``./scripts/run`` serves the fake REANA
server, so creating, starting and rerunning it works offline. Idempotent:
the draft is made once (found again by its title).
"""

import io
from pathlib import Path

from invenio_db import db
from invenio_files_rest.models import ObjectVersion

from ..deposit.demo import demo_draft
from ..deposit.records.api import Deposit

DEMO_FILES = Path(__file__).parent / "data" / "demo"
TITLE = "Demo: Higgs mass fit rerun on REANA"
OWNER = "cms@inveniosoftware.org"


def load_demo_workflow():
    """The demo draft's pid (made now or before), or ``None`` without its owner."""
    found = demo_draft(OWNER, {
        "$ana_type": "cms-analysis",
        "general_title": TITLE,
        "workflows": [{"name": "higgs-fit", "type": "serial",
                       "description": "Breit-Wigner fit of the diphoton mass peak",
                       "workflow_file": "reana.yaml"}],
    })
    if found is None:
        return None
    pid, _, created = found
    if created:
        bucket = Deposit.get_by_pid(pid).bucket
        for path in sorted(p for p in DEMO_FILES.rglob("*") if p.is_file()):
            key = path.relative_to(DEMO_FILES).as_posix()
            ObjectVersion.create(bucket, key, stream=io.BytesIO(path.read_bytes()))
        db.session.commit()
    return pid
