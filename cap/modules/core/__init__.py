"""Shared plumbing: errors and their HTTP map, unit-of-work operations, health."""

from .ext import CAPCore, CAPCoreREST

__all__ = ("CAPCore", "CAPCoreREST")
