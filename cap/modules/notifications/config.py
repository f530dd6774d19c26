"""Defaults of the notifications module (each overridable in invenio.cfg)."""

from pathlib import Path

CAP_NOTIFICATIONS_ENABLED = True
"""Kill switch: ``False`` evaluates no rule (nothing is recorded) and sends no mail
(messages queued before are marked failed, not sent)."""

CAP_NOTIFICATIONS_ACTIONS = ("publish", "review")
"""The actions a schema's ``config.notifications.actions`` may name."""

CAP_NOTIFICATIONS_MAX_RETRIES = 5
"""How often a failed send is retried before it is recorded as failed."""

CAP_NOTIFICATIONS_RETRY_BACKOFF = 30
"""Seconds before the first retry; each next retry waits twice as long."""

CAP_NOTIFICATIONS_SMTP_TIMEOUT = 30
"""Seconds the SMTP server has to answer each step (connect, greeting, each
command); past it the attempt fails with ``TimeoutError`` and is retried."""

CAP_NOTIFICATIONS_SEND_TIME_LIMIT = 60
"""Seconds one send may take in a prefork worker, a guard behind the SMTP timeout (a
server that drips its answers). Read when the task is defined, so not per app."""

CAP_NOTIFICATIONS_TEMPLATES_DIR = str(Path(__file__).parent / "templates")
"""Where a rule's ``template_file`` is looked up (and nowhere else)."""

CAP_NOTIFICATIONS_CMS_STATS_COMMITTEE = {}
"""Statistics committee contacts per CMS working group: ``{"HIG": ["a@cern.ch"]}``
(the ``get_cms_stat_recipients`` method and ``cms_stats_committee_by_pag`` ctx)."""
