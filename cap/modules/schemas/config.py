"""Defaults of the schemas module (``ext.py`` copies them with ``setdefault``)."""

from pathlib import Path

_CAP_PACKAGE = Path(__file__).resolve().parents[2]

CAP_SCHEMAS_DIR = str(_CAP_PACKAGE / "jsonschemas")
"""Folder of schema definitions: ``<name>/v<M.m.p>/config.json``, ``deposit.json``..."""

CAP_SCHEMAS_MAPPINGS_DIR = str(_CAP_PACKAGE / "mappings")
"""Folder of their search mappings: ``<name>/v<M.m.p>/deposit.json`` (``record.json``)."""

CAP_SCHEMAS_BASE_URL = None
"""Base of schema URLs (``$schema``); ``None``: ``SITE_API_URL`` + ``/schemas``."""

CAP_SCHEMAS_INDEX_SETTINGS = {"number_of_shards": 1, "auto_expand_replicas": "0-1"}
"""Settings of every schema index besides its analysis: one replica on a cluster
(a node may stop, searches and writes go on), none on a single node (green)."""

CAP_SCHEMAS_VALIDATOR_CACHE_SIZE = 128
"""How many compiled validators (schema version x kind x full/lenient) to keep."""

CAP_SCHEMAS_KEYWORD_IGNORE_ABOVE = 8191
"""``ignore_above`` of every keyword field (Lucene refuses terms over 32,766 bytes)."""

CAP_SCHEMAS_STRING_MAX_LENGTH = 100_000
"""Characters a string may have when its schema gives a ``type`` but no ``maxLength``."""
