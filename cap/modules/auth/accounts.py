"""invenio-accounts' REST views, two of them made safe (``ACCOUNTS_REST_AUTH_VIEWS``).

- ``POST /api/logout`` only: upstream also logs out on GET, so a link or an
  image on another site ends the user's session. A POST from a session
  needs its CSRF token (invenio-rest's check on session writes).
- ``GET /api/sessions`` from a token caller: upstream asks the request's
  session for its id, which a request without a stored session does not
  have (500); here no session is current then.
- ``DELETE /api/sessions/<sid>`` of a session the user does not have: 404
  in CAP's error shape (upstream: 400 with a bare message).
"""

from flask import jsonify, session
from flask_login import current_user
from invenio_accounts.models import SessionActivity
from invenio_accounts.views import rest as upstream

from ..core.errors import error_body


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


class SessionsItemView(upstream.SessionsItemView):
    """Revoke one of the user's sessions; 404 for a session they do not have."""

    def delete(self, sid_s=None, **kwargs):
        """Upstream's revocation, for the user's own sessions only."""
        owned = SessionActivity.query_by_user(current_user.get_id()).filter_by(sid_s=sid_s)
        if owned.count() != 1:
            return jsonify(error_body(404, "You have no session with this id.")), 404
        return super().delete(sid_s=sid_s, **kwargs)
