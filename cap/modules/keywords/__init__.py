"""CMS analysis keywords: harvested from a spreadsheet (CSV export), searchable."""

from .ext import CAPKeywords

__all__ = ("CAPKeywords",)
