"""Look-ups of external services for forms (ORCID, ROR) and their status."""

from .ext import CAPServices

__all__ = ("CAPServices",)
