"""REANA workflows of deposits: create, run, follow, rerun, reproduce."""

from .ext import CAPWorkflows

__all__ = ("CAPWorkflows",)
