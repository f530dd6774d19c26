"""``GET /me``: who the caller is and which deposit types they may create."""

from flask import Blueprint, g, jsonify
from flask.views import MethodView

from ..access.generators import identity_user_id
from ..core.errors import error_body, register_error_handlers
from .service import me


def get_me():
    """The caller's account; anonymous callers get 401."""
    identity = g.identity
    if identity_user_id(identity) is None:
        # Answered here, not raised: this view may also sit in
        # invenio-accounts' blueprint, which has no CAP error map.
        return jsonify(error_body(401, "You need to log in to do this.")), 401
    return jsonify(me(identity)), 200


class MeView(MethodView):
    """The same view for invenio-accounts' REST ``/me`` slot (see ext.py)."""

    def get(self):
        """``GET /me``."""
        return get_me()


def create_blueprint(app):
    """Blueprint of the user endpoints."""
    blueprint = Blueprint("cap_user", __name__)
    blueprint.add_url_rule("/me", "me", get_me, methods=["GET"])
    register_error_handlers(blueprint)
    return blueprint
