"""A fake Keycloak (OpenID Connect) provider on 127.0.0.1 for login tests.

Serves ``/auth/realms/<realm>/protocol/openid-connect/{auth,token,userinfo,logout}``
with werkzeug in a thread. ``provider.user`` is whoever "logs in" next.
"""

import json
import secrets
import threading
import time
from urllib.parse import urlencode

import jwt
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

REALM = "cern"
CLIENT_ID = "cap-test"
CLIENT_SECRET = "cap-test-secret"
SIGNING_KEY = "fake-keycloak-key"


class FakeOIDC:
    """The provider's state: the next user, issued codes and tokens, calls seen."""

    def __init__(self):
        """Nobody logged in yet."""
        self.user = None
        self.codes = {}
        self.tokens = {}
        self.calls = []
        self.server = None
        self.userinfo_status = 200

    @property
    def prefix(self):
        """Path of the realm's OIDC endpoints."""
        return f"/auth/realms/{REALM}/protocol/openid-connect"

    def start(self):
        """Serve on a free loopback port; returns the base URL (``.../auth``)."""
        self.server = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_port}/auth"

    def stop(self):
        """Stop serving."""
        self.server.shutdown()

    def wsgi(self, environ, start_response):
        """Dispatch to the endpoints."""
        request = Request(environ)
        self.calls.append((request.method, request.path))
        endpoint = request.path.removeprefix(self.prefix).strip("/")
        handler = getattr(self, f"do_{endpoint}", None)
        response = handler(request) if handler else Response("not found", 404)
        return response(environ, start_response)

    def do_auth(self, request):
        """The login page: the user "logs in" and is sent back with a code."""
        args = request.args
        if args.get("client_id") != CLIENT_ID or args.get("response_type") != "code":
            return Response("bad authorization request", 400)
        code = secrets.token_urlsafe(16)
        self.codes[code] = (dict(self.user), args["redirect_uri"])
        query = urlencode({"code": code, "state": args["state"]})
        return Response(status=302, headers={"Location": f"{args['redirect_uri']}?{query}"})

    def do_token(self, request):
        """Exchange a code (once) for tokens; client credentials are checked."""
        form = request.form
        if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
            return Response('{"error": "unauthorized_client"}', 401, mimetype="application/json")
        entry = self.codes.pop(form.get("code"), None)
        if form.get("grant_type") != "authorization_code" or entry is None:
            return Response('{"error": "invalid_grant"}', 400, mimetype="application/json")
        user, redirect_uri = entry
        if form.get("redirect_uri") != redirect_uri:
            return Response('{"error": "invalid_grant"}', 400, mimetype="application/json")
        now = int(time.time())
        claims = {
            "iss": f"http://127.0.0.1:{self.server.server_port}/auth/realms/{REALM}",
            "sub": user["sub"],
            "azp": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "cern_roles": user.get("cern_roles", []),
        }
        access_token = jwt.encode(claims, SIGNING_KEY, algorithm="HS256")
        self.tokens[access_token] = user
        id_claims = {**claims, "email": user.get("email")}
        id_token = jwt.encode(id_claims, SIGNING_KEY, algorithm="HS256")
        body = {
            "access_token": access_token,
            "id_token": id_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "scope": "openid email profile",
        }
        return Response(json.dumps(body), 200, mimetype="application/json")

    def do_userinfo(self, request):
        """Claims of the token's user (groups included), without cern_roles."""
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        user = self.tokens.get(token) if scheme == "Bearer" else None
        if self.userinfo_status != 200:
            return Response("unavailable", self.userinfo_status)
        if user is None:
            return Response('{"error": "invalid_token"}', 401, mimetype="application/json")
        info = {k: v for k, v in user.items() if k != "cern_roles"}
        return Response(json.dumps(info), 200, mimetype="application/json")

    def do_logout(self, request):
        """End the SSO session."""
        return Response("logged out", 200)
