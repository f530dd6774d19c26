"""Rate limits keyed on who calls: the user (a token's or the session's),
else the client's address.

invenio-app's default key is User-Agent + address, so a new User-Agent
gave a fresh budget. Limits are InvenioRDM's (``RATELIMIT_*`` in
cap/config.py); the 429 says when to retry (``Retry-After`` and message).
"""

import time

from flask import current_app, jsonify, request
from flask_login import current_user
from invenio_oauth2server.ext import verify_oauth_token_and_set_current_user

from .errors import error_body


def rate_limit_key():
    """``user:<id>`` for a logged-in caller, ``ip:<address>`` for a guest."""
    # The limiter counts before invenio-oauth2server's before_request has
    # verified a bearer token; the check is idempotent, so run it here, on
    # the API app (the only one where tokens log in).
    if verify_oauth_token_and_set_current_user in current_app.before_request_funcs.get(None, []):
        verify_oauth_token_and_set_current_user()
    if current_user.is_authenticated:
        return f"user:{current_user.get_id()}"
    return f"ip:{request.remote_addr}"


def handle_rate_limited(error):
    """429 with the limit and the seconds until the caller may retry."""
    limiter = current_app.extensions["invenio-app"].limiter
    current = limiter.current_limit
    # As flask-limiter's Retry-After header counts it (whole seconds left).
    retry_after = max(1, int(current.reset_at - time.time())) if current else None
    message = f"Too many requests: at most {error.description}."
    if retry_after is not None:
        message += f" Retry in {retry_after} seconds."
    response = jsonify(error_body(429, message))
    response.status_code = 429
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response
