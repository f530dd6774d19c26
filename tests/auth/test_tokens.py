"""Personal access tokens on the API app: both schemes, revocation, CLI."""

import pytest
from invenio_oauth2server.models import Token

from cap.modules.auth.cli import tokens
from cap.modules.auth.tokens import TokenSchemeMiddleware, create_token, revoke_token


@pytest.fixture(scope="module")
def alice(create_user):
    """A user with a personal token."""
    return create_user("token-alice@cern.ch")


def _me(client, header):
    return client.get("/me", headers={"Authorization": header, "Accept": "application/json"})


@pytest.mark.parametrize("scheme", ["Bearer", "OAuth2", "oauth2", "bearer"])
def test_token_schemes_accepted(app, client, alice, scheme):
    """cap-client's ``OAuth2`` and the standard ``Bearer`` both authenticate."""
    response = _me(client, f"{scheme} {alice.token}")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.json["email"] == alice.email


@pytest.mark.parametrize(
    "header", [None, "OAuth2 not-a-token", "Bearer not-a-token", "Basic Zm9vOmJhcg==", "OAuth2"]
)
def test_bad_or_missing_token_is_401(app, client, header):
    """Anonymous or unknown tokens get a JSON 401."""
    headers = {"Accept": "application/json"}
    if header:
        headers["Authorization"] = header
    response = client.get("/me", headers=headers)
    assert response.status_code == 401
    assert response.json["status"] == 401


def test_middleware_only_rewrites_synonyms():
    """Other schemes pass through untouched."""
    seen = {}

    def inner(environ, start_response):
        seen["auth"] = environ.get("HTTP_AUTHORIZATION")
        return []

    middleware = TokenSchemeMiddleware(inner, ["OAuth2"])
    for given, expected in [
        ("OAuth2 abc", "Bearer abc"),
        ("  OAuth2   abc ", "Bearer abc"),
        ("Basic abc", "Basic abc"),
        ("OAuth2x abc", "OAuth2x abc"),
    ]:
        middleware({"HTTP_AUTHORIZATION": given}, None)
        assert seen["auth"] == expected
    middleware({}, None)
    assert seen["auth"] is None


def test_revoked_token_stops_at_once(app, client, create_user):
    """After revocation the very next request is 401, for both schemes."""
    user = create_user("token-revoked@cern.ch")
    token = create_token(user.email, "to-revoke").access_token
    for scheme in ("Bearer", "OAuth2"):
        assert _me(client, f"{scheme} {token}").status_code == 200
    assert revoke_token(email=user.email, name="to-revoke") == 1
    for scheme in ("Bearer", "OAuth2"):
        assert _me(client, f"{scheme} {token}").status_code == 401
    # The user's other token still works.
    assert _me(client, f"OAuth2 {user.token}").status_code == 200


def test_cli_create_list_revoke(app, client, cli_runner, create_user):
    """``cap tokens create|list|revoke``."""
    user = create_user("token-cli@cern.ch")
    result = cli_runner(tokens, None, "create", "--email", user.email, "--name", "laptop")
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    assert _me(client, f"OAuth2 {token}").status_code == 200

    result = cli_runner(tokens, None, "list", "--email", user.email)
    assert result.exit_code == 0, result.output
    assert "laptop" in result.output and token not in result.output

    token_id = Token.query.filter_by(access_token=token).one().id
    result = cli_runner(tokens, None, "revoke", "--id", str(token_id))
    assert result.exit_code == 0, result.output
    assert _me(client, f"OAuth2 {token}").status_code == 401

    result = cli_runner(tokens, None, "create", "--email", "nobody@cern.ch", "--name", "x")
    assert result.exit_code != 0 and "No user" in result.output
    result = cli_runner(tokens, None, "revoke", "--email", user.email)
    assert result.exit_code != 0
