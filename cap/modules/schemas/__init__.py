"""Schemas: versioned deposit/record types, their validation and search indexes."""

from .ext import CAPSchemas

__all__ = ("CAPSchemas",)
