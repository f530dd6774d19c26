"""What the API tells a user about themselves."""

from invenio_accounts.models import User
from invenio_db import db

from ..access.generators import identity_user_id
from ..access.policies import create_policy


def _latest_schemas():
    # Imported here: the schemas registry is another module's, loaded lazily.
    from ..schemas.api import list_schemas

    return list_schemas(latest_only=True)


def creatable_types(identity, schemas=None):
    """Latest schemas the identity may start a deposit of, as ``deposit_groups``."""
    groups = []
    for schema in _latest_schemas() if schemas is None else schemas:
        if create_policy(schema).allows(identity):
            groups.append(
                {
                    "name": schema.fullname or schema.name,
                    "deposit_group": schema.name,
                    "schema_path": schema.deposit_path,
                }
            )
    return sorted(groups, key=lambda group: group["deposit_group"])


def me(identity):
    """``{id, email, profile, roles, deposit_groups}`` of the identity's user."""
    user = db.session.get(User, identity_user_id(identity))
    profile = dict(user.user_profile or {})
    if user.username:
        profile.setdefault("username", user.username)
    return {
        "id": user.id,
        "email": user.email,
        "profile": profile,
        "roles": sorted(role.name for role in user.roles),
        "deposit_groups": creatable_types(identity),
    }
