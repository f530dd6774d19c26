"""Defaults of the workflows module (``CAP_REANA_*``, ``CAP_WORKFLOWS_*``)."""

CAP_REANA_URL = "https://reana.cern.ch"
"""Base URL of the REANA server (its REST API is under ``/api``)."""

CAP_REANA_ACCESS_TOKENS = {}
"""Per-experiment REANA access tokens (``{"cms": "...", "atlas": ...}``, by the
lower-case experiment name); held server-side, never sent to a browser."""

CAP_REANA_TIMEOUT = 10
"""Seconds each REANA call may take."""

CAP_REANA_RETRIES = 2
"""Extra attempts of a REANA call after a connection error, a timeout or a 502/503/504."""

CAP_REANA_BACKOFF = 0.3
"""First wait between attempts, in seconds; doubles each time."""

CAP_REANA_MAX_FILE_SIZE = 100 * 1024 * 1024
"""Bytes: the largest workspace file CAP moves (upload from a bucket, output attached)."""

CAP_WORKFLOWS_SPEC_KEYS = ("reana.yaml", "reana.yml", "reana.json")
"""Deposit file keys read as the workflow specification, first found wins."""

CAP_WORKFLOWS_METADATA_FIELD = "workflows"
"""Deposit field listing the schema's workflows: ``[{name, type, workflow_file,
reana_spec: {inputs, workflow, outputs}}]`` (``cms-analysis``, ``atlas-analysis``)."""

CAP_WORKFLOWS_TOLERANCE = 1e-6
"""Relative tolerance of numbers in JSON/YAML outputs when a rerun is compared."""
