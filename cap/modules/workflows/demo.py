"""Demo content of ``cap setup --demo``: a CMS draft with a REANA workflow.

The draft holds ``reana.yaml``, its code and data (``data/demo/``) and lists
the workflow in ``workflows``; ``./scripts/run`` serves the fake REANA
server, so creating, starting and rerunning it works offline. Idempotent:
the draft is made once (found again by its title).
"""

import io
from pathlib import Path

from invenio_accounts.models import User
from invenio_db import db
from invenio_files_rest.models import ObjectVersion
from invenio_records.models import RecordMetadata

from ..deposit.demo import _identity
from ..deposit.proxies import current_deposit_service

DEMO_FILES = Path(__file__).parent / "data" / "demo"
TITLE = "Demo: Higgs mass fit rerun on REANA"
OWNER = "cms@inveniosoftware.org"


def load_demo_workflow():
    """The demo draft's pid (made now or before), or ``None`` without its owner."""
    existing = RecordMetadata.query.filter(
        RecordMetadata.json["general_title"].as_string() == TITLE,
        RecordMetadata.json["control_number"].is_(None),
    ).first()
    if existing is not None:
        return existing.json["_deposit"]["id"]
    user = User.query.filter_by(email=OWNER).one_or_none()
    if user is None:
        return None
    draft = current_deposit_service.create(_identity(user), {
        "$ana_type": "cms-analysis",
        "general_title": TITLE,
        "workflows": [{"name": "higgs-fit", "type": "serial",
                       "description": "Breit-Wigner fit of the diphoton mass peak",
                       "workflow_file": "reana.yaml"}],
    })
    for path in sorted(p for p in DEMO_FILES.rglob("*") if p.is_file()):
        key = path.relative_to(DEMO_FILES).as_posix()
        ObjectVersion.create(draft.record.bucket, key, stream=io.BytesIO(path.read_bytes()))
    db.session.commit()
    return draft.pid
