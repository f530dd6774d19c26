"""Authentication: personal access tokens and the CERN SSO login."""

from .ext import CAPAuth, CAPAuthREST

__all__ = ("CAPAuth", "CAPAuthREST")
