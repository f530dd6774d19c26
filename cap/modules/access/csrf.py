"""CSRF checks only where a session is what authenticates the write.

invenio-rest's middleware (``REST_CSRF_ENABLED``) checks every write that
carries cookies. Token requests skip it (invenio-oauth2server marks them);
this hook also skips anonymous requests: they authenticate nothing, so
there is nothing to forge, and they get the 401 the API promises instead
of a CSRF 400 caused by some stray cookie.
"""

from flask import request
from flask_login import current_user


def skip_csrf_for_anonymous():
    """``csrf.before_csrf_protect`` hook: no logged-in session, no CSRF check."""
    if not current_user or not current_user.is_authenticated:
        request.skip_csrf_check = True


def register_csrf_hook():
    """Add the hook to invenio-rest's CSRF middleware, once per process."""
    from invenio_rest.csrf import csrf

    if skip_csrf_for_anonymous not in csrf._before_protect_funcs:
        csrf.before_csrf_protect(skip_csrf_for_anonymous)
