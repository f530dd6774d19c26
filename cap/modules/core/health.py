"""Reachability checks of the services CAP runs on.

Used by ``/api/ping`` and by ``cap setup`` so that a wrong setting fails
fast with a message that names the component and the address it tried.
"""

from urllib.parse import urlsplit, urlunsplit

from flask import current_app
from invenio_db import db
from invenio_search import current_search_client
from kombu import Connection
from redis import Redis
from sqlalchemy import text

COMPONENTS = ("db", "search", "cache", "broker")


def _hide_password(url):
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return url


def _db_target():
    return db.engine.url.render_as_string(hide_password=True)


def _probe_db(timeout):
    with db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def _search_target():
    return str(current_app.config.get("SEARCH_HOSTS"))


def _probe_search(timeout):
    version = current_search_client.info(request_timeout=timeout)["version"]
    return f"{version.get('distribution', 'search')} {version['number']}"


def _cache_target():
    return current_app.config["CACHE_REDIS_URL"]


def _probe_cache(timeout):
    Redis.from_url(
        _cache_target(), socket_timeout=timeout, socket_connect_timeout=timeout
    ).ping()


def _broker_target():
    return _hide_password(current_app.config["BROKER_URL"])


def _probe_broker(timeout):
    with Connection(current_app.config["BROKER_URL"], connect_timeout=timeout) as conn:
        conn.ensure_connection(max_retries=1, timeout=timeout)


CHECKS = {
    "db": (_db_target, _probe_db),
    "search": (_search_target, _probe_search),
    "cache": (_cache_target, _probe_cache),
    "broker": (_broker_target, _probe_broker),
}


def check_component(name, timeout=None):
    """Return ``(is_up, detail)`` for one component; never raises.

    The detail always names the address that was tried.
    """
    timeout = timeout or current_app.config["CAP_HEALTH_TIMEOUT"]
    target_of, probe = CHECKS[name]
    try:
        target = target_of()
    except Exception as error:  # a malformed setting
        return False, f"invalid setting: {type(error).__name__}: {error}"[:500]
    try:
        answer = probe(timeout)
    except Exception as error:  # any failure, timeouts included, means "down"
        return False, f"{target}: {type(error).__name__}: {error}"[:500]
    return True, f"{target} ({answer})" if answer else target


def check_all(components=COMPONENTS, timeout=None):
    """State of each component: ``{name: {"status": "up"|"down", "detail"}}``."""
    states = {}
    for name in components:
        is_up, detail = check_component(name, timeout=timeout)
        states[name] = {"status": "up" if is_up else "down", "detail": detail}
    return states
