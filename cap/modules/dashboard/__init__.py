"""The dashboard: my drafts, drafts shared with me, my and my collaborations' records."""

from .ext import CAPDashboard

__all__ = ("CAPDashboard",)
