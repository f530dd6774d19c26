"""Demo content of ``cap setup --demo``: a CMS draft with a snapshot of a repository.

The snapshot comes the way a user's does: the attach action of the service,
whose download task runs after the commit (on ``./scripts/run``, once its
Celery worker is up). It needs a git host serving
``CAP_REPOSITORIES_DEMO_URL``, so ``./scripts/run`` starts its demo GitHub
before the setup; without that URL there is no such draft. Idempotent: the
draft is made once (found again by its title) and snapshots the URL once
(again only after a failed download).
"""

from flask import current_app

from ..deposit.demo import demo_draft
from ..deposit.records.api import Deposit
from .models import GitSnapshot
from .proxies import current_repositories_service

TITLE = "Demo: H->ZZ->4l analysis code from GitHub"
OWNER = "cms@inveniosoftware.org"


def load_demo_snapshot():
    """``(draft pid, snapshot status)``, or ``None`` without a demo URL or the owner."""
    url = current_app.config["CAP_REPOSITORIES_DEMO_URL"]
    found = demo_draft(OWNER, {"$ana_type": "cms-analysis", "general_title": TITLE}) \
        if url else None
    if found is None:
        return None
    pid, identity, _ = found
    snapshot = GitSnapshot.query.filter(
        GitSnapshot.deposit_id == Deposit.get_by_pid(pid).id, GitSnapshot.url == url,
        GitSnapshot.status != "failed",
    ).order_by(GitSnapshot.created.desc()).first()
    if snapshot is not None:
        return pid, snapshot.status
    answer = current_repositories_service.attach(identity, pid, {"url": url})
    return pid, answer["snapshots"][-1]["status"]
