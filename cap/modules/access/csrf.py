"""CSRF checks only where a session is what authenticates the write.

invenio-rest's middleware (``REST_CSRF_ENABLED``) checks every write that
carries cookies. Token requests skip it (invenio-oauth2server marks them);
this hook also skips anonymous requests: they authenticate nothing, so
there is nothing to forge, and they get the 401 the API promises instead
of a CSRF 400 caused by some stray cookie.
"""

from flask import request
from flask_login import current_user
from invenio_rest.csrf import csrf


def skip_csrf_for_anonymous():
    """``csrf.before_csrf_protect`` hook: no logged-in session, no CSRF check."""
    if not current_user or not current_user.is_authenticated:
        request.skip_csrf_check = True


# invenio-rest's middleware is global (one per process, shared by every
# app): the hook is added once, when this module is first imported.
csrf.before_csrf_protect(skip_csrf_for_anonymous)
