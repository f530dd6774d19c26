"""Who a sharing entry names: the one place that resolves grantees.

The directory look-up (CERN LDAP/e-groups) will plug in here later; today
users are local accounts by email and e-groups are local roles by name.
"""

from invenio_accounts.models import Role, User

from ...core.errors import InvalidRequestError, field_error

GRANTEE_TYPES = ("user", "egroup")


def resolve_grantee(type_, address, field="email"):
    """The user id (``user``) or role name (``egroup``) an address names.

    Raises :class:`InvalidRequestError` naming the address when unknown.
    """
    address = (address or "").strip()
    if type_ == "user":
        user = User.query.filter(User.email.ilike(address)).one_or_none()
        if user is not None:
            return user.id
        message = f"Unknown user {address!r}."
    elif type_ == "egroup":
        role = Role.query.filter(Role.name.ilike(address)).one_or_none()
        if role is not None:
            return role.name
        message = f"Unknown e-group {address!r}."
    else:
        message = f"Unknown grantee type {type_!r}: use one of {', '.join(GRANTEE_TYPES)}."
        field = "type"
    raise InvalidRequestError(message, [field_error(field, message)])
