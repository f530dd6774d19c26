"""Zenodo: defaults."""

CAP_ZENODO_API_URL = "https://zenodo.org/api"
"""Base URL of the Zenodo REST API (the sandbox: ``https://sandbox.zenodo.org/api``)."""

CAP_ZENODO_TOKEN = None
"""The instance's Zenodo personal access token (scopes ``deposit:write``,
``deposit:actions``); without one, publishing to Zenodo is refused (502)."""

CAP_ZENODO_TIMEOUT = 30
"""Seconds one Zenodo call may take in all (uploads included)."""

CAP_ZENODO_RETRIES = 2
"""Retries of an idempotent call Zenodo failed with a connection error or a 5xx."""

CAP_ZENODO_LICENSE = "cc-by-4.0"
"""Licence of what CAP publishes on Zenodo (a Zenodo licence id)."""

CAP_ZENODO_SCHEMA_KEY = "zenodo"
"""Key of a schema's ``config`` that lets its records go to Zenodo (default: not)."""
