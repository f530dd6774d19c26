"""CADI, the CMS analysis database: client, sync into cms-analysis drafts, autofill."""

from .ext import CAPCadi

__all__ = ("CAPCadi",)
