"""Idempotent fixtures loaded by ``cap setup``.

Every function here checks what exists before adding, so running the set-up
twice changes nothing the second time.
"""

import os

from flask import current_app
from flask_security.utils import hash_password
from invenio_access.models import ActionRoles
from invenio_access.permissions import superuser_access
from invenio_access.proxies import current_access
from invenio_accounts.models import Role, User
from invenio_accounts.proxies import current_datastore
from invenio_db import db
from invenio_files_rest.models import Location
from invenio_oauth2server.models import Client, Token
from invenio_search import current_search

from ..files.storage import CAPFileStorage, storage_class_for

DEMO_TOKEN_NAME = "cap-demo"


def ensure_role(name, description=None):
    """The role called ``name``, created when missing."""
    role = Role.query.filter_by(name=name).one_or_none()
    if role is None:
        role = current_datastore.create_role(id=name, name=name, description=description)
    return role


def ensure_action_role(action_need, role):
    """Grant ``action_need`` to ``role`` unless already granted."""
    exists = ActionRoles.query.filter_by(
        action=action_need.value, argument=None, role_id=role.id, exclude=False
    ).first()
    if exists is None:
        db.session.add(ActionRoles.allow(action_need, role=role))


def load_roles():
    """E-group roles of every experiment and the superuser roles, with their actions."""
    for experiment, conf in current_app.config["CAP_EXPERIMENTS"].items():
        action_need = current_access.actions[conf["action"]]
        for egroup in conf["egroups"]:
            role = ensure_role(egroup, f"{experiment} members (CERN e-group)")
            ensure_action_role(action_need, role)
    for name in current_app.config["CAP_SUPERUSER_ROLES"]:
        ensure_role(name, "CAP superusers (CERN e-group)")
        ensure_action_role(superuser_access, Role.query.filter_by(name=name).one())
    db.session.commit()


def load_location(uri=None):
    """The default files location, created when missing."""
    location = Location.get_default()
    if location is None:
        uri = uri or current_app.config.get("CAP_FILES_LOCATION_URI") or os.path.join(
            current_app.instance_path, "data"
        )
        if storage_class_for(uri) is CAPFileStorage:  # root:// and s3:// are no local folders
            os.makedirs(uri, exist_ok=True)
        location = Location(name="default", uri=uri, default=True)
        db.session.add(location)
        db.session.commit()
    return location


def ensure_user(email, password, roles=()):
    """An active, confirmed user with the given roles, created when missing."""
    user = User.query.filter_by(email=email).one_or_none()
    if user is None:
        user = current_datastore.create_user(
            email=email, password=password, active=True
        )
        user.confirmed_at = db.func.now()
    for name in roles:
        role = ensure_role(name)
        if role not in user.roles:
            current_datastore.add_role_to_user(user, role)
    return user


def ensure_personal_token(user, name=DEMO_TOKEN_NAME, scopes=None):
    """The user's personal token called ``name``, created when missing."""
    token = (
        Token.query.join(Client, Token.client_id == Client.client_id)
        .filter(Client.name == name, Token.user_id == user.id, Token.is_personal.is_(True))
        .first()
    )
    if token is None:
        token = Token.create_personal(name, user.id, scopes=scopes)
    return token


def load_demo_users():
    """Demo users from ``CAP_DEMO_USERS``; returns ``[(email, token)]``."""
    password = hash_password(current_app.config["CAP_DEMO_PASSWORD"])
    users = [
        ensure_user(spec["email"], password, spec.get("roles", ()))
        for spec in current_app.config["CAP_DEMO_USERS"]
    ]
    db.session.commit()
    tokens = [(user.email, ensure_personal_token(user).access_token) for user in users]
    db.session.commit()
    return tokens


def create_indexes():
    """Create the statically registered indexes that do not exist yet."""
    list(current_search.create(ignore_existing=True))
