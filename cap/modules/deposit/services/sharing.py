"""Who a sharing entry names: the one place that resolves grantees.

Users are accounts by email and e-groups are roles by name. An address
CAP has not seen yet is looked up in the CERN directory: a CERN user gets an
account (taken over at their first SSO login, which matches by email) and an
e-group gets its role (members receive it at their next SSO login).

The owner (``_deposit.created_by``) always keeps read, update and admin: a
change removing one of them is refused, whoever asks (an owner leaving their
own draft would strand it; a shared admin must not evict the owner).
Ownership transfer, if ever wanted, is a separate explicit action.

Addresses are compared for case-insensitive equality, never as ``LIKE``
patterns: ``%`` or ``_`` in an address would otherwise match (and reveal)
other accounts and e-groups.
"""

from flask_security.confirmable import confirm_user
from invenio_accounts.models import Role, User
from invenio_accounts.proxies import current_datastore
from sqlalchemy import func

from ...auth.sso import ensure_external_role
from ...core.errors import InvalidRequestError, field_error
from ...directory.proxies import lookup_egroup, lookup_user

GRANTEE_TYPES = ("user", "egroup")


def _user_id(address):
    # Emails are unique as stored; two differing only in case: the oldest.
    user = (
        User.query.filter(func.lower(User.email) == address.lower()).order_by(User.id).first()
    )
    if user is None:
        found = lookup_user(address)
        if found is None:
            return None
        user = current_datastore.create_user(email=found["email"], password=None, active=True)
        confirm_user(user)
    return user.id


def _role_name(address):
    role = (
        Role.query.filter(func.lower(Role.name) == address.lower()).order_by(Role.id).first()
    )
    if role is None:
        found = lookup_egroup(address)
        if found is None:
            return None
        role = ensure_external_role(found["email"] or f"{found['name']}@cern.ch")
    return role.name


RESOLVERS = {"user": (_user_id, "user"), "egroup": (_role_name, "e-group")}


def resolve_grantee(type_, address, field="email"):
    """The user id (``user``) or role name (``egroup``) an address names.

    Raises :class:`InvalidRequestError` naming the address when neither CAP
    nor the directory knows it; directory outages propagate (502/504).
    """
    if type_ not in RESOLVERS:
        message = f"Unknown grantee type {type_!r}: use one of {', '.join(GRANTEE_TYPES)}."
        raise InvalidRequestError(message, [field_error("type", message)])
    resolve, label = RESOLVERS[type_]
    address = (address or "").strip()
    grantee = resolve(address) if address else None
    if grantee is None:
        message = f"Unknown {label} {address!r}: not in CAP nor in the CERN directory."
        raise InvalidRequestError(message, [field_error(field, message)])
    return grantee


def check_owner_kept(owner_id, changes):
    """Refuse ``changes`` that remove a grant of the owner ``owner_id``.

    ``changes`` are ``(index, op, action, kind, grantee)``; the error names
    the ``email`` of each such entry.
    """
    errors = [
        field_error(
            f"{index}.email",
            f"The owner of the draft always keeps {action}: it cannot be removed.",
        )
        for index, op, action, kind, grantee in changes
        if op == "remove" and kind == "users" and owner_id is not None and grantee == owner_id
    ]
    if errors:
        raise InvalidRequestError("The owner's rights on the draft cannot be removed.", errors)
