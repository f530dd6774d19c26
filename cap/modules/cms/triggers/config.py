"""Defaults of the triggers module (copied into the app with ``setdefault``)."""

CAP_TRIGGERS_INDEX = "cms-triggers"
"""Alias of the triggers index (each load builds ``<alias>-<stamp>`` behind it)."""

CAP_TRIGGERS_DEFAULT_SIZE = 10
"""Suggestions a search returns without ``size``."""

CAP_TRIGGERS_MAX_SIZE = 100
"""Most suggestions a search returns."""

CAP_TRIGGERS_VALIDATE = True
"""Check trigger names on save (only once a list has been loaded)."""

CAP_TRIGGERS_SCHEMA_KEYWORD = "x-cap-hlt-trigger"
"""Schema keyword marking a field that holds an HLT path name."""

CAP_TRIGGERS_CONTEXT_FIELDS = {"dataset": ["path", "dataset"], "year": ["year"]}
"""Keys of the objects around a trigger giving its dataset and year (nearest first)."""

CAP_TRIGGERS_DEMO_FILE = None
"""Trigger list ``cap setup --demo`` loads (``None``: the one shipped in the package)."""
