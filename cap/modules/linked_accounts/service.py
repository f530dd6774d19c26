"""Linked accounts, identity first: list, link (the OAuth callback's last step),
disconnect, and the linked token other modules call the provider with.

Tokens are invenio-oauthclient's ``RemoteToken`` rows (access and refresh
token encrypted with the instance's ``SECRET_KEY``) under one
``RemoteAccount`` per user and provider client, whose ``extra_data`` keeps
who the account is at the provider. The provider's account id is also a
``UserIdentity`` (method = the remote's name), so one account at GitHub is
linked to at most one CAP user; the remotes are ``link_only``, so it never
logs anyone in.
"""

import logging

from flask import current_app
from invenio_accounts.models import User, UserIdentity
from invenio_db import db
from invenio_db.uow import unit_of_work
from invenio_oauthclient.models import RemoteAccount, RemoteToken

from ..access.generators import identity_user_id
from ..access.policies import LinkedAccountPermissionPolicy
from ..core.errors import (
    CAPError,
    ConflictError,
    InvalidRequestError,
    NotFoundError,
    field_error,
)
from .providers import PROVIDERS, GitProvider, expiry

LOG = logging.getLogger(__name__)

REFUSALS = {
    "access_denied": "You did not allow CAP to use your {title} account.",
    "bad_verification_code": "{title} refused the authorization code: it is wrong or "
                             "expired. Connect again.",
    "invalid_grant": "{title} refused the authorization code: it is wrong or expired. "
                     "Connect again.",
    "redirect_uri_mismatch": "{title} does not know CAP's callback address: the OAuth "
                             "application is misconfigured.",
    "incorrect_client_credentials": "{title} refused CAP's client credentials: the OAuth "
                                    "application is misconfigured.",
    "invalid_client": "{title} refused CAP's client credentials: the OAuth application is "
                      "misconfigured.",
}
"""What users read for the OAuth errors a provider answers the code exchange with."""


def _iso(value):
    """ISO 8601 of a UTC time (the column's are naive or aware depending on the model)."""
    if value is None:
        return None
    return value.isoformat() if value.tzinfo else value.isoformat() + "+00:00"


class LinkedAccountsService:
    """The caller's GitHub, GitLab and Zenodo accounts."""

    policy_cls = LinkedAccountPermissionPolicy

    @staticmethod
    def providers():
        """Every configured account type: name -> provider."""
        return {name: PROVIDERS[settings["kind"]](name, settings)
                for name, settings in current_app.config["CAP_LINKED_ACCOUNTS"].items()}

    def provider(self, name):
        """The provider ``name`` (404 for an unknown one)."""
        provider = self.providers().get(name)
        if provider is None:
            raise NotFoundError(f"CAP links no accounts of {name!r}.")
        return provider

    def provider_of_host(self, host):
        """The git provider whose accounts are used at the web host ``host``, or ``None``."""
        return next((p for p in self.providers().values()
                     if isinstance(p, GitProvider) and p.host == host), None)

    def _user_id(self, identity):
        self.policy_cls("manage").require(identity)
        return identity_user_id(identity)

    @staticmethod
    def _account(user_id, provider):
        if not provider.settings.get("client_id"):
            return None
        return RemoteAccount.get(user_id, provider.settings["client_id"])

    # -- reading ------------------------------------------------------------
    def list(self, identity):
        """Every account type with whether (and as whom) the caller linked it."""
        user_id = self._user_id(identity)
        return {"hits": [self._entry(provider, self._account(user_id, provider))
                         for provider in self.providers().values()]}

    @staticmethod
    def _entry(provider, account):
        entry = {
            "name": provider.name, "title": provider.title, "kind": provider.settings["kind"],
            "host": provider.settings.get("host"),
            "available": bool(provider.settings.get("client_id")),
            "linked": account is not None, "revocable": provider.revocable,
            "account": (account.extra_data or {}).get("account") if account else None,
            "linked_at": _iso(account.created) if account else None,
            "links": {"connect": f"/oauth/login/{provider.name}/"},
        }
        if isinstance(provider, GitProvider):
            entry["links"]["repositories"] = f"/api/me/linked-accounts/{provider.name}/repositories"
        return entry

    def token(self, user_id, name):
        """The access token of ``user_id``'s linked ``name`` account (renewed first when
        it expired), or ``None`` when not linked (or ``name`` is not configured).

        A renewal is committed at once: the provider may have retired the
        old refresh token, so rolling it back would lose the account.
        """
        provider = self.providers().get(name)
        if user_id is None or provider is None:
            return None
        account = self._account(user_id, provider)
        token = account.remote_tokens[0] if account and account.remote_tokens else None
        if token is None:
            return None
        if token.is_expired and token.refresh_token:
            answer = provider.refresh(token.refresh_token)
            token.update_token(answer["access_token"], "",
                               answer.get("refresh_token") or token.refresh_token,
                               expiry(answer))
            db.session.commit()
        return token.access_token

    def token_for_host(self, user_id, host):
        """The user's linked token for a git web host, or ``None``."""
        provider = self.provider_of_host(host)
        return self.token(user_id, provider.name) if provider else None

    def repositories(self, identity, name, page=1):
        """The repositories of the caller's linked git account (one page of 100)."""
        user_id = self._user_id(identity)
        provider = self.provider(name)
        if not isinstance(provider, GitProvider):
            message = f"{provider.title} has no repositories."
            raise InvalidRequestError(message, [field_error(["name"], message)])
        token = self.token(user_id, name)
        if token is None:
            raise NotFoundError(f"You have not linked a {provider.title} account.")
        hits = provider.client(token).user_repositories(page=page)
        return {"hits": hits, "page": page, "host": provider.host}

    # -- changing -----------------------------------------------------------
    @unit_of_work()
    def link(self, identity, name, answer, uow=None):
        """Store the token answer of the code exchange as the caller's ``name`` account.

        ``answer``: the provider's token answer, ``None`` when the user said
        no, or an OAuth error (``{error, error_description}``): refused with
        a message that says what happened; nothing is stored then.
        """
        user_id = self._user_id(identity)
        provider = self.provider(name)
        if not provider.settings.get("client_id"):
            raise InvalidRequestError(f"{provider.title} accounts cannot be linked here: "
                                      "CAP has no OAuth application there.")
        if not answer or answer.get("error") or not answer.get("access_token"):
            error = (answer or {}).get("error") or "access_denied"
            message = REFUSALS.get(error, "{title} refused: {detail}.").format(
                title=provider.title,
                detail=(answer or {}).get("error_description") or error)
            raise InvalidRequestError(message)
        account_info = provider.account(answer)
        holder = UserIdentity.get_user(name, account_info["id"])
        if holder is not None and holder.id != user_id:
            raise ConflictError(f"This {provider.title} account ({account_info['login']}) is "
                                "linked to another CAP account.")
        client_id = provider.settings["client_id"]
        token = RemoteToken.get(user_id, client_id)
        if token is None:
            token = RemoteToken.create(user_id, client_id, answer["access_token"], "",
                                       refresh_token=answer.get("refresh_token"),
                                       expires=expiry(answer))
        else:
            token.update_token(answer["access_token"], "", answer.get("refresh_token"),
                               expiry(answer))
        previous = (token.remote_account.extra_data or {}).get("account")
        if previous and previous["id"] != account_info["id"]:
            UserIdentity.delete_by_external_id(name, previous["id"])
        token.remote_account.extra_data = {"account": account_info,
                                           "scope": answer.get("scope")}
        if holder is None:
            UserIdentity.create(db.session.get(User, user_id), name, account_info["id"])
        return self._entry(provider, token.remote_account)

    @unit_of_work()
    def disconnect(self, identity, name, uow=None):
        """Revoke the caller's ``name`` token at the provider (where it can) and forget it.

        A provider that fails the revocation does not keep the account
        linked: CAP forgets the token anyway, and says so (``revoked: false``).
        """
        user_id = self._user_id(identity)
        provider = self.provider(name)
        account = self._account(user_id, provider)
        if account is None:
            raise NotFoundError(f"You have not linked a {provider.title} account.")
        revoked, message = False, None
        if not provider.revocable:
            message = (f"{provider.title} cannot revoke tokens: CAP forgot it; remove CAP "
                       f"from the applications of your {provider.title} account too.")
        for token in account.remote_tokens:
            if not provider.revocable:
                break
            try:
                provider.revoke(token.access_token)
                revoked = True
            except CAPError as error:
                LOG.warning("Revoking a %s token of user %s failed: %s", name, user_id,
                            error.message)
                message = f"{error.message} CAP forgot the token anyway."
        info = (account.extra_data or {}).get("account")
        if info:
            UserIdentity.delete_by_external_id(name, info["id"])
        account.delete()
        return {"name": name, "revoked": revoked, "message": message}
