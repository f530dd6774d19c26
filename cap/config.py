"""Default configuration of CAP.

Loaded first (``invenio_config.module`` entry point); ``invenio.cfg`` in the
instance folder and ``INVENIO_*`` environment variables override it. Service
URLs default to the loopback services that ``./scripts/services`` starts.
Module-specific ``CAP_<MODULE>_*`` defaults live in each module's config.py.
"""

from datetime import timedelta

from cap.modules.auth.remote import REMOTE_APP, REMOTE_NAME
from cap.modules.linked_accounts.remotes import REMOTE_APPS as LINKED_REMOTE_APPS

# Site
# ====
SITE_UI_URL = "http://127.0.0.1:5000"
SITE_API_URL = "http://127.0.0.1:5000/api"
THEME_SITENAME = "CERN Analysis Preservation"
TRUSTED_HOSTS = ["127.0.0.1", "localhost"]
# The defaults serve plain HTTP on loopback (development, tests); invenio.cfg
# turns HTTPS-only cookies, redirects and HSTS on for a deployment.
APP_DEFAULT_SECURE_HEADERS = {
    "force_https": False,
    "session_cookie_secure": False,
    "strict_transport_security": True,
    "strict_transport_security_max_age": 31556926,
    "strict_transport_security_include_subdomains": True,
    # Scripts from our origin only (default-src: no inline script, no eval);
    # frame-ancestors: no other site may frame CAP's pages (clickjacking);
    # base-uri: an injected <base> cannot move our relative script URLs
    # (default-src does not cover it). img-src data: for the icons Swagger
    # UI's stylesheet inlines (/docs/api); an image never runs script.
    "content_security_policy": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'self'"],
        "base-uri": ["'self'"],
    },
}
SESSION_COOKIE_SECURE = False
REMEMBER_COOKIE_SECURE = False
REST_ENABLE_CORS = False
# Session-authenticated API writes must send the ``csrftoken`` cookie back as
# ``X-CSRFToken`` (invenio-rest); token (Bearer/OAuth2) requests skip the check.
REST_CSRF_ENABLED = True

# Request bodies (cap.modules.core.body)
CAP_MAX_BODY_SIZE = 2 * 1024 * 1024
"""Largest API request body in bytes (413 beyond); file uploads excepted."""
CAP_STREAMED_BODY_BLUEPRINTS = ["invenio_files_rest"]
"""Blueprints whose bodies stream to storage (file uploads, their own limits)."""
CAP_JSON_MAX_DEPTH = 64
"""Deepest nesting of a JSON body or stored document (the schemas need ~15)."""

# Services
# ========
SQLALCHEMY_DATABASE_URI = "postgresql+psycopg2://cap:cap@127.0.0.1:5432/cap"
SQLALCHEMY_ENGINE_OPTIONS = {
    # Connections are pinged at checkout only after CAP_DB_PING_AFTER_IDLE
    # seconds in the pool (cap.modules.core.db), not on every checkout.
    "pool_pre_ping": False,
    # Fail fast on a wrong or unreachable database instead of hanging.
    "connect_args": {"connect_timeout": 5},
}
CAP_DB_PING_AFTER_IDLE = 1.0
"""A pooled connection idle longer than this (seconds) is pinged before use."""
SEARCH_HOSTS = [{"host": "127.0.0.1", "port": 9200}]
SEARCH_CLIENT_CONFIG = {"timeout": 30, "max_retries": 2, "retry_on_timeout": True}
SEARCH_INDEX_PREFIX = "cap-"
CACHE_TYPE = "RedisCache"
CACHE_REDIS_URL = "redis://127.0.0.1:6379/0"
ACCOUNTS_SESSION_REDIS_URL = "redis://127.0.0.1:6379/1"
ACCESS_CACHE = "cap.modules.access.cache:access_cache"
"""invenio-access caches action grants in Redis (dropped on grant changes and at commit)."""
ACCESS_ACTION_CACHE_PREFIX = "cap::access::action::"
"""Key prefix of those entries: one per instance (tests and benchmarks set their own)."""
CAP_ACCESS_CACHE_TTL = 30
"""Seconds a cached grant expansion lives: a grant changed without the ORM
(plain SQL) is seen within this time; ORM changes are seen at once."""
BROKER_URL = "amqp://guest:guest@127.0.0.1:5672//"
CELERY_BROKER_URL = BROKER_URL
CELERY_RESULT_BACKEND = "redis://127.0.0.1:6379/2"
CELERY_TASK_ACKS_LATE = True
# A task whose pool process died (killed, out of memory) goes back to the
# queue instead of being acknowledged as failed: it runs again (once: RabbitMQ
# marks the redelivery). Tasks are written to run twice without a second
# effect. flask-celeryext 0.5.1 maps this name, without the CELERY_ prefix
# its other keys have, to Celery's task_reject_on_worker_lost.
TASK_REJECT_ON_WORKER_LOST = True
CELERY_BEAT_SCHEDULE = {
    "indexer": {
        "task": "invenio_indexer.tasks.process_bulk_queue",
        "schedule": timedelta(seconds=30),
    },
    "cadi-sync": {
        "task": "cap.modules.cms.cadi.tasks.sync_cadi",
        "schedule": timedelta(days=1),
    },
    "cms-keywords-sync": {
        "task": "cap.modules.keywords.tasks.sync_keywords",
        "schedule": timedelta(days=1),
    },
    # Does nothing until CAP_DAS_SOURCE_FILE/_URL (or the command) is configured.
    "das-reload": {
        "task": "cap.modules.cms.das.tasks.reload_datasets",
        "schedule": timedelta(days=1),
    },
    # Fixity: every file re-read once per 30 days, spread over hourly batches
    # (max_count 0: the files divided by the cycle's batches), each file a
    # low-rate task of its own (CELERY_TASK_ANNOTATIONS); failures mailed.
    # Not max_size: files-rest 6.1 sums the sizes and fails on an instance
    # with no files yet (None / batches).
    "files-fixity": {
        "task": "invenio_files_rest.tasks.schedule_checksum_verification",
        "schedule": timedelta(hours=1),
        "kwargs": {
            "frequency": {"days": 30},
            "batch_interval": {"hours": 1},
            "max_count": 0,
            "files_query": "cap.modules.files.fixity:files_to_check",
        },
    },
    "files-fixity-alerts": {
        "task": "cap.modules.files.tasks.alert_fixity_failures",
        "schedule": timedelta(hours=1),
    },
    # Bytes left by uploads whose process died before committing.
    "files-orphans": {
        "task": "cap.modules.files.tasks.remove_orphan_files",
        "schedule": timedelta(days=1),
    },
    # Unfinished REANA runs: status read, outputs attached when they finish.
    "workflows-follow": {
        "task": "cap.modules.workflows.tasks.follow_workflows",
        "schedule": timedelta(seconds=30),
    },
    # Does nothing until CAP_PACKAGES_ARCHIVE_DIR (the second-level archive) is set.
    "packages-archive": {
        "task": "cap.modules.packages.tasks.export_new_records",
        "schedule": timedelta(hours=1),
    },
    # Snapshots that waited for a published draft's next edit.
    "repositories-attach-waiting": {
        "task": "cap.modules.repositories.tasks.attach_waiting_snapshots",
        "schedule": timedelta(minutes=10),
    },
    # Hooks a repository's maintainers removed at GitHub/GitLab are marked dead.
    "repositories-check-webhooks": {
        "task": "cap.modules.repositories.tasks.check_webhooks",
        "schedule": timedelta(hours=6),
    },
}
CELERY_TASK_ANNOTATIONS = {
    # Checks read whole files: at most this many per minute per worker, so
    # uploads and downloads keep the disks.
    "invenio_files_rest.tasks.verify_checksum": {"rate_limit": "30/m"},
}
# CAP's own resources serve /records; invenio-records-rest's default endpoint
# (a second, unchecked path to the same records) is not registered.
RECORDS_REST_ENDPOINTS = {}
# One indexer for drafts and records: the index follows the ``$schema`` URL
# (here, not in a module config, so invenio-indexer's default cannot win).
INDEXER_RECORD_TO_INDEX = "cap.modules.records.indexer:record_to_index"

# A record whose indexing failed is queued for the bulk consumer on a pooled
# broker connection, which may be dead by then (the broker restarted, the
# network dropped it: ConnectionResetError on publish). Kombu reconnects and
# publishes again instead of losing the queued retry.
INDEXER_MQ_PUBLISH_KWARGS = {
    "retry": True,
    "retry_policy": {"interval_start": 0, "interval_step": 1, "interval_max": 5,
                     "max_retries": 5},
}
RATELIMIT_STORAGE_URI = "redis://127.0.0.1:6379/3"
# Per user for logged-in callers (token or session), per address for guests
# (not User-Agent + address); InvenioRDM's budgets.
RATELIMIT_KEY_FUNC = "cap.modules.core.ratelimit:rate_limit_key"
RATELIMIT_AUTHENTICATED_USER = "25000 per hour;1000 per minute"
RATELIMIT_GUEST_USER = "500 per minute"

# /api/ping is ours (it reports every component); invenio-app's answers "OK".
APP_HEALTH_BLUEPRINT_ENABLED = False
# CAP serves its schemas itself (cap/modules/schemas), by name and version.
JSONSCHEMAS_REGISTER_ENDPOINTS_API = False
JSONSCHEMAS_REGISTER_ENDPOINTS_UI = False
JSONSCHEMAS_HOST = "127.0.0.1:5000"
# Health checks give up after this many seconds per component.
CAP_HEALTH_TIMEOUT = 3

# Accounts and security
# =====================
ACCOUNTS_LOCAL_LOGIN_ENABLED = True
SECURITY_REGISTERABLE = False
SECURITY_RECOVERABLE = False
SECURITY_CHANGEABLE = False
SECURITY_CONFIRMABLE = False
SECURITY_SEND_REGISTER_EMAIL = False
ACCOUNTS_USERINFO_HEADERS = False
MAIL_SUPPRESS_SEND = True
MAIL_DEFAULT_SENDER = "cap-noreply@cern.ch"

# /api/logout by POST only; /api/sessions for token callers; unknown sessions
# 404 in CAP's error shape (cap.modules.auth.accounts).
ACCOUNTS_REST_AUTH_VIEWS = {
    "login": "invenio_accounts.views.rest:LoginView",
    "logout": "cap.modules.auth.accounts:LogoutView",
    "user_info": "invenio_accounts.views.rest:UserInfoView",
    "register": "invenio_accounts.views.rest:RegisterView",
    "forgot_password": "invenio_accounts.views.rest:ForgotPasswordView",
    "reset_password": "invenio_accounts.views.rest:ResetPasswordView",
    "change_password": "invenio_accounts.views.rest:ChangePasswordView",
    "send_confirmation": "invenio_accounts.views.rest:SendConfirmationEmailView",
    "confirm_email": "invenio_accounts.views.rest:ConfirmEmailView",
    "sessions_list": "cap.modules.auth.accounts:SessionsListView",
    "sessions_item": "cap.modules.auth.accounts:SessionsItemView",
}

# Login: CERN SSO (OpenID Connect) and, for demos, local accounts.
# Endpoints and credentials: CAP_SSO_* (cap/modules/auth/config.py, env).
# Linking only (GitHub, GitLab, Zenodo accounts: cap/modules/linked_accounts).
OAUTHCLIENT_REMOTE_APPS = {REMOTE_NAME: REMOTE_APP, **LINKED_REMOTE_APPS}
# After logout, end the SSO session too (/oauth/logout redirects to it).
SECURITY_POST_LOGOUT_VIEW = "/oauth/logout"

# Files
# =====
FILES_REST_DEFAULT_STORAGE_CLASS = "S"
FILES_REST_STORAGE_CLASS_LIST = {"S": "Standard"}
# Set here, not only by the files extension: invenio-xrootd's extension sets
# its EOS factory as a default when it loads first, and this value wins over it.
FILES_REST_STORAGE_FACTORY = "cap.modules.files.storage:storage_factory"
CAP_FILES_LOCATION_URI = None
"""Where ``cap setup`` puts the default files location (None: <instance>/data;
``root://host:port//path/`` for XRootD/EOS, ``s3://bucket/prefix`` for S3)."""

# Experiments and e-groups
# ========================
CAP_EXPERIMENTS = {
    "CMS": {"action": "cms-access", "egroups": ["cms-members@cern.ch"]},
    "ATLAS": {
        "action": "atlas-access",
        "egroups": ["atlas-active-members-all@cern.ch"],
    },
    "LHCb": {"action": "lhcb-access", "egroups": ["lhcb-general@cern.ch"]},
    "ALICE": {"action": "alice-access", "egroups": ["alice-member@cern.ch"]},
}
"""Experiment name -> the access action and the e-group roles granted it."""

CAP_SUPERUSER_ROLES = [
    "analysis-preservation-support@cern.ch",
    "data-preservation-admins@cern.ch",
]
"""Roles granted ``superuser-access`` by ``cap setup``."""

CAP_DEMO_PASSWORD = "cap-demo-password"
"""Password of the demo users created by ``cap setup --demo``."""

CAP_DEMO_USERS = [
    {"email": "cms@inveniosoftware.org", "roles": ["cms-members@cern.ch", "cms-conveners@cern.ch"],
     "about": "CMS member: owns the CMS demo analyses, fills questionnaires"},
    {"email": "stats-committee@inveniosoftware.org",
     "roles": ["cms-members@cern.ch", "cms-stats-committee@cern.ch"],
     "about": "CMS statistics committee: reviews questionnaires"},
    {"email": "atlas@inveniosoftware.org", "roles": ["atlas-active-members-all@cern.ch"],
     "about": "ATLAS member"},
    {"email": "lhcb@inveniosoftware.org", "roles": ["lhcb-general@cern.ch"],
     "about": "LHCb member"},
    {"email": "alice@inveniosoftware.org", "roles": ["alice-member@cern.ch"],
     "about": "ALICE member"},
    {"email": "admin@inveniosoftware.org", "roles": ["analysis-preservation-support@cern.ch"],
     "about": "CAP support: superuser, sees failed mails"},
]
"""Demo accounts (``about``: what ``cap setup --demo`` says they are for); each
gets a personal access token named ``cap-demo``."""
