"""Discovery: DAS-style field queries, suggestions, reindexing and index checks."""

from .ext import CAPSearch

__all__ = ("CAPSearch",)
