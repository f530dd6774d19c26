"""Defaults of the auth module (copied into the app with ``setdefault``)."""

import os

CAP_SSO_BASE_URL = os.environ.get("CAP_SSO_BASE_URL", "https://auth.cern.ch/auth")
"""Keycloak base URL (the realm paths are appended to it)."""

CAP_SSO_REALM = os.environ.get("CAP_SSO_REALM", "cern")
"""Keycloak realm."""

CAP_SSO_CLIENT_ID = os.environ.get("CAP_SSO_CLIENT_ID", "")
"""OpenID Connect client id registered in the CERN application portal."""

CAP_SSO_CLIENT_SECRET = os.environ.get("CAP_SSO_CLIENT_SECRET", "")
"""Its client secret (from the environment, never committed)."""

CAP_SSO_GROUP_CLAIMS = ["groups", "cern_roles"]
"""Claims (userinfo or access token) whose values become ``<group>@cern.ch`` roles."""

CAP_SSO_GROUP_DOMAIN = "cern.ch"
"""Suffix added to each group name to form its role name."""

CAP_SSO_TIMEOUT = 10
"""Seconds to wait for the userinfo endpoint."""

CAP_TOKEN_SCHEMES = ["OAuth2"]
"""Authorization schemes accepted as synonyms of ``Bearer`` (cap-client sends ``OAuth2``)."""
