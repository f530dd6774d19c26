"""The CERN directory (LDAP): users and e-groups for look-ups and sharing forms."""

from .ext import CAPDirectory

__all__ = ("CAPDirectory",)
