"""invenio-accounts' REST views, two of them made safe (``ACCOUNTS_REST_AUTH_VIEWS``).

- ``POST /api/logout`` only: upstream also logs out on GET, so a link or an
  image on another site ends the user's session. A POST from a session
  needs its CSRF token (invenio-rest's check on session writes).
- ``GET /api/sessions`` from a token caller: upstream asks the request's
  session for its id, which a request without a stored session does not
  have (500); here no session is current then.
"""

from flask import jsonify, session
from flask_login import current_user
from invenio_accounts.models import SessionActivity
from invenio_accounts.views import rest as upstream


class LogoutView(upstream.LogoutView):
    """Log out by POST only."""

    methods = ["POST"]


class SessionsListView(upstream.SessionsListView):
    """The user's sessions; ``current`` only for the request's own stored session."""

    def get(self, **kwargs):
        """The sessions, as upstream lists them."""
        current_sid = getattr(session, "sid_s", None)
        sessions = SessionActivity.query_by_user(user_id=current_user.get_id())
        results = [
            {
                "created": s.created,
                "current": current_sid is not None and s.sid_s == current_sid,
                "browser": s.browser,
                "browser_version": s.browser_version,
                "os": s.os,
                "device": s.device,
                "country": s.country,
            }
            for s in sessions
        ]
        return jsonify({"total": sessions.count(), "results": results})
