"""Mail notifications driven by each schema's ``config.notifications`` rules."""

from .ext import CAPNotifications

__all__ = ("CAPNotifications",)
