"""The OAuth 2 authorization-code grant the fake GitHub, GitLab and Zenodo serve.

One :class:`FakeOAuth` per fake: registered clients, the account that
approves (``login``: who is "logged in" at the provider), codes, access and
refresh tokens. ``authorize`` answers like the providers do when the user
has already approved the application: a redirect to ``redirect_uri`` with
``code`` and ``state`` (``deny = True``: ``error=access_denied``). Error
answers follow RFC 6749 section 5.2; each fake wraps them in its own status
codes (GitHub answers refusals with 200).
"""

import itertools
import secrets
from urllib.parse import urlencode

from werkzeug.wrappers import Response

CLIENT_ID = "cap-demo-client"
CLIENT_SECRET = "cap-demo-client-secret"


class FakeOAuth:
    """Codes and tokens of one provider; ``prefix`` starts its tokens (``gho_``)."""

    def __init__(self, prefix, expires_in=None):
        """No codes or tokens; ``expires_in``: seconds access tokens live (``None``: forever)."""
        self.prefix, self.expires_in = prefix, expires_in
        self.clients = {CLIENT_ID: CLIENT_SECRET}
        self.login = None
        self.deny = False
        self.codes, self.tokens, self.refresh_tokens = {}, {}, {}
        self.revoked = []
        self._serial = itertools.count(1)

    def authorize(self, request):
        """``GET .../authorize``: back to the client with a code (or the refusal)."""
        args = request.args
        if args.get("client_id") not in self.clients or not args.get("redirect_uri"):
            return Response("Unknown application", status=404, content_type="text/plain")
        if args.get("response_type", "code") != "code":
            return Response("Unsupported response type", status=400, content_type="text/plain")
        if self.deny:
            query = {"error": "access_denied",
                     "error_description": "The user has denied your application access."}
        else:
            code = secrets.token_hex(10)
            self.codes[code] = (self.login, args["redirect_uri"], args["client_id"],
                                args.get("scope", ""))
            query = {"code": code}
        if args.get("state"):
            query["state"] = args["state"]
        separator = "&" if "?" in args["redirect_uri"] else "?"
        return Response("", status=302,
                        headers={"Location": args["redirect_uri"] + separator + urlencode(query)})

    def exchange(self, form, basic=None):
        """``POST`` token endpoint: ``(ok, body)``, the token answer or an RFC 6749 error."""
        client_id = form.get("client_id") or (basic or (None, None))[0]
        secret = form.get("client_secret") or (basic or (None, None))[1]
        if self.clients.get(client_id) != secret:
            return False, {"error": "invalid_client",
                           "error_description": "Client authentication failed."}
        grant = form.get("grant_type", "authorization_code")
        if grant == "refresh_token":
            login = self.refresh_tokens.pop(form.get("refresh_token"), None)
            if login is None:
                return False, {"error": "invalid_grant",
                               "error_description": "The refresh token is invalid."}
            scope = ""
        elif grant == "authorization_code":
            found = self.codes.pop(form.get("code"), None)
            if found is None or found[2] != client_id or (
                    form.get("redirect_uri") and form["redirect_uri"] != found[1]):
                return False, {"error": "invalid_grant",
                               "error_description": "The provided authorization grant is "
                                                    "invalid, expired or revoked."}
            login, scope = found[0], found[3]
        else:
            return False, {"error": "unsupported_grant_type"}
        return True, self.issue(login, scope)

    def issue(self, login, scope=""):
        """A new token answer for ``login``."""
        token = f"{self.prefix}{next(self._serial):04d}{secrets.token_hex(12)}"
        self.tokens[token] = login
        answer = {"access_token": token, "token_type": "bearer", "scope": scope}
        if self.expires_in is not None:
            refresh = f"{self.prefix}r{secrets.token_hex(16)}"
            self.refresh_tokens[refresh] = login
            answer.update(expires_in=self.expires_in, refresh_token=refresh)
        return answer

    def user_of(self, request):
        """The login a request's bearer token belongs to, or ``None``."""
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        return self.tokens.get(token.strip()) if scheme.lower() == "bearer" else None

    def revoke(self, token):
        """Forget ``token``; whether it was known."""
        login = self.tokens.pop(token, None)
        if login is not None:
            self.revoked.append(token)
        return login is not None


TITLES = {"github": "GitHub", "gitlab": "GitLab", "zenodo": "Zenodo"}


def linked_accounts_config(github=None, gitlab=None, zenodo=None):
    """``CAP_LINKED_ACCOUNTS`` pointing CAP at the fakes given (the others left out)."""
    config = {}
    for name, fake, extra in (("github", github, {"host": "github.com"}),
                              ("gitlab", gitlab, {"host": "gitlab.cern.ch"}),
                              ("zenodo", zenodo, {})):
        if fake is not None:
            config[name] = {"kind": name, "title": TITLES[name], "oauth_url": fake.oauth_url,
                            "scope": "", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                            **extra}
    return config
