# Gunicorn settings of ./scripts/run (a deployment can use the same file:
# gunicorn -c scripts/gunicorn.conf.py invenio_app.wsgi:application).
import os

# The access log never holds ?access_token= values (cap.modules.core.access_log).
logger_class = "cap.modules.core.access_log.RedactingLogger"

# A request holding a worker longer than this is killed and the worker
# replaced, so a slow request cannot take the server down with it (searches
# stop themselves at CAP_SEARCH_TIMEOUT, well before).
timeout = int(os.environ.get("CAP_WORKER_TIMEOUT", "60"))
graceful_timeout = 30

# Request line: gunicorn's largest (8190 bytes, default 4094) so that long
# search URLs fit; a longer line is gunicorn's own 400, whose body is HTML
# (gunicorn writes it before any application code runs, it cannot be JSON).
limit_request_line = 8190
