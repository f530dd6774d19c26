"""Token verification of the API: upstream's semantics, one statement, no ORM loading.

invenio-oauth2server verifies the bearer token of every API request
(``verify_oauth_token_and_set_current_user``) through its global
``OAuth2Provider``. Two of its callbacks are replaced here, with exactly the
same meaning:

- :func:`get_token` (the ``tokengetter``): upstream loads the token, then
  lazily its user, then (flask-oauthlib's ``validate_bearer_token``) its
  client, then (flask-security's identity loader) the user's roles: four
  queries per request. Here one statement reads the token with its user,
  the user's roles and the client, plus the values other modules read along
  with it (``core.read_along``). Same rules: an access token is looked up
  by its value whatever its kind; a refresh token only if it is not a
  personal token and its client is confidential; the token of an inactive
  user is refused. Nothing is cached across requests: a revoked token or a
  deactivated user is refused on the next request. (A token without a user,
  which upstream would fail on with an ``AttributeError``, is not found.)
- :func:`login_oauth2_user` (the provider's ``after_request``): upstream asks
  ``importlib.metadata.version("flask-login")`` on every request to pick how
  to store the user; our pinned flask-login is newer than 0.6.1 (asserted at
  import), so the user goes to ``g._login_user`` directly.

The statement's row is not loaded through the ORM, which spent most of a
token check building row processors for four joined entities: the token,
user, roles and client are made from the row's columns and attached to the
session as the persistent objects a query would have given (an object the
session already holds is used as it is, as a query would). Columns left out
(the encrypted ones, the roles' dates) and relationships not read load on
access as usual.
"""

from importlib.metadata import version

from flask import current_app, g, has_request_context, request
from flask_principal import Identity, identity_changed
from invenio_accounts.models import Role, User
from invenio_db import db
from invenio_oauth2server import provider as upstream
from invenio_oauth2server.models import Client, Token
from packaging.version import Version
from sqlalchemy import bindparam, func, inspect, select
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy_utils.types.encrypted.encrypted_type import StringEncryptedType

from ..core import read_along
from . import hints

if Version(version("flask-login")) <= Version("0.6.1"):  # checked once, at import
    raise RuntimeError("login_oauth2_user stores the user in g._login_user (flask-login > 0.6.1)")


class _Entity:
    """The columns of one mapped class that the statement reads, and how to
    turn their raw values into attribute values."""

    def __init__(self, model, dialect, json=False):
        """Plain columns of ``model`` (not encrypted; for ``json``, also no
        value conversion: they come back inside a JSON array)."""
        self.mapper = inspect(model)
        self.attrs, self.columns, self.processors = [], [], []
        for attr in self.mapper.column_attrs:
            column = attr.columns[0]
            processor = column.type.dialect_impl(dialect).result_processor(dialect, None)
            if isinstance(column.type, StringEncryptedType) or (json and processor):
                continue
            self.attrs.append(attr.key)
            self.columns.append(column)
            self.processors.append(processor)
        self.key_attrs = [self.mapper.get_property_by_column(c).key
                          for c in self.mapper.primary_key]

    def values(self, raw):
        """``{attribute: value}`` of the raw column values."""
        return {
            attr: processor(value) if processor and value is not None else value
            for attr, processor, value in zip(self.attrs, self.processors, raw, strict=True)
        }

    def attached(self, session, values, **relationships):
        """The persistent object of ``values``: the session's own if it holds
        it, else one made from them (no statement)."""
        key = self.mapper.identity_key_from_primary_key([values[a] for a in self.key_attrs])
        held = session.identity_map.get(key)
        if held is not None:
            return held
        obj = self.mapper.class_manager.new_instance()
        for attr, value in {**values, **relationships}.items():
            set_committed_value(obj, attr, value)
        make_transient_to_detached(obj)  # what was not read loads on access
        session.add(obj)
        return obj


class _Lookup:
    """The token look-up statements (by access and by refresh token), built once."""

    def __init__(self, dialect, along):
        """Compile both statements for ``dialect``, with the ``along`` columns
        (``((request.environ key, expression), ...)``)."""
        self.token = _Entity(Token, dialect)
        self.user = _Entity(User, dialect)
        self.client = _Entity(Client, dialect)
        self.role = _Entity(Role, dialect, json=True)
        self.along_items = along
        self.along = [key for key, _ in along]
        tokens, users, clients = Token.__table__, User.__table__, Client.__table__
        userrole, roles = User.roles.property.secondary, Role.__table__
        user_roles = (
            select(func.json_agg(func.json_build_array(*self.role.columns)))
            .select_from(userrole.join(roles, roles.c.id == userrole.c.role_id))
            .where(userrole.c.user_id == users.c.id)
            .scalar_subquery()
        )
        columns = [*self.token.columns, *self.user.columns, *self.client.columns, user_roles,
                   *(expression for _, expression in along)]
        joined = tokens.join(users, users.c.id == tokens.c.user_id)
        by_access = (
            select(*columns)
            .select_from(joined.outerjoin(clients, clients.c.client_id == tokens.c.client_id))
            .where(tokens.c.access_token == bindparam("value"))
        )
        by_refresh = (
            select(*columns)
            .select_from(joined.join(clients, clients.c.client_id == tokens.c.client_id))
            .where(
                tokens.c.refresh_token == bindparam("value"),
                tokens.c.is_personal.is_(False),
                clients.c.is_confidential.is_(True),
            )
        )
        self.sql = {
            "access_token": str(by_access.compile(dialect=dialect)),
            "refresh_token": str(by_refresh.compile(dialect=dialect)),
        }

    def load(self, kind, value, parameters):
        """The token whose ``kind`` (access or refresh token) is ``value``, or
        ``None``; ``parameters``: those of the columns read along."""
        session = db.session()
        connection = session.connection()
        column_type = getattr(Token, kind).type
        encrypted = column_type.process_bind_param(value, connection.dialect)
        row = connection.exec_driver_sql(
            self.sql[kind], {**parameters, "value": encrypted}).fetchone()
        if row is None:
            return None
        row = list(row)
        token, user, client = (entity.values(_take(row, len(entity.attrs)))
                               for entity in (self.token, self.user, self.client))
        role_rows = row.pop(0) or []
        if has_request_context():
            request.environ.update(zip(self.along, row, strict=True))
        if not user["active"]:
            return None
        roles = [self.role.attached(session, dict(zip(self.role.attrs, r, strict=True)))
                 for r in role_rows]
        user = self.user.attached(session, user, roles=roles)
        client = self.client.attached(session, client) if client["client_id"] else None
        return self.token.attached(session, {**token, kind: value}, user=user, client=client)


def _take(row, count):
    taken = row[:count]
    del row[:count]
    return taken


_lookups = {}  # (dialect, environ keys read along) -> _Lookup


def _lookup(dialect, along):
    """The look-up reading ``along`` (the same expression objects), built once."""
    key = (dialect, tuple(environ_key for environ_key, _ in along))
    lookup = _lookups.get(key)
    if lookup is None or any(mine is not theirs for (_, mine), (_, theirs)
                             in zip(lookup.along_items, along, strict=True)):
        lookup = _lookups[key] = _Lookup(dialect, along)
    return lookup


def get_token(access_token=None, refresh_token=None):
    """The token (with its user, the user's roles and its client), or ``None``.

    Same semantics as ``invenio_oauth2server.provider.get_token``. Both token
    values are unique (unique indexes), so at most one token matches.
    """
    if access_token:
        kind, value = "access_token", access_token
    elif refresh_token:
        kind, value = "refresh_token", refresh_token
    else:
        return None
    along, parameters = read_along.reads()
    return _lookup(db.engine.dialect, along).load(kind, value, parameters)


def login_oauth2_user(valid, oauth):
    """Log in the token's user: ``invenio_oauth2server.provider.login_oauth2_user``
    for flask-login > 0.6.1, without the per-request version look-up.

    The identity the token proved (its needs loaded by ``identity_changed``)
    is kept as the token's hint (:mod:`.hints`); a token that fails loses it.
    """
    if valid:
        oauth.user.login_via_oauth2 = True
        g._login_user = oauth.user
        identity = Identity(oauth.user.id)
        identity_changed.send(current_app._get_current_object(), identity=identity)
        hints.remember(oauth.access_token.access_token, identity)
    elif (token_value := hints.presented_token()) is not None:
        hints.forget(token_value)
    return valid, oauth


def install():
    """Put our callbacks in place of upstream's on the global provider (idempotent)."""
    oauth2 = upstream.oauth2
    oauth2.tokengetter(get_token)
    validator = getattr(oauth2, "_validator", None)
    if validator is not None:  # built before us: it copied the old getter
        validator._tokengetter = get_token
    funcs = oauth2._after_request_funcs
    funcs[:] = [login_oauth2_user if f is upstream.login_oauth2_user else f for f in funcs]
    if login_oauth2_user not in funcs:
        funcs.append(login_oauth2_user)
