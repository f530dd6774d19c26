"""Which role memberships came from the CERN SSO login."""

from invenio_accounts.models import Role, User
from invenio_db import db


class SSORoleMembership(db.Model):
    """A user's membership of a role that the SSO login granted.

    Only these memberships are removed when the user's groups no longer
    list the group; memberships granted locally (``cap roles add``, the
    admin UI, ``cap setup --demo``) have no row here and are kept.
    """

    __tablename__ = "cap_sso_role_membership"

    user_id = db.Column(
        db.Integer, db.ForeignKey(User.id, ondelete="CASCADE"), primary_key=True
    )
    role_id = db.Column(
        db.String(80), db.ForeignKey(Role.id, ondelete="CASCADE"), primary_key=True
    )
