"""Schemas: versioned deposit/record types, their validation and search indexes.

The extension is wired through entry points (``cap.modules.schemas.ext``);
importing the package stays free of side imports so that any module, the
access layer included, can use :mod:`.urls` without an import cycle.
"""
