"""Self-describing packages of published records: BagIt + RO-Crate, out and back in."""

from .ext import CAPPackages

__all__ = ("CAPPackages",)
