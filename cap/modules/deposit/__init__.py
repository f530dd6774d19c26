"""Drafts (deposits): record layer, service and REST resources."""

from .ext import CAPDeposit

__all__ = ("CAPDeposit",)
