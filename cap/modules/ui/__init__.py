"""CAP's web UI: Jinja pages and one JavaScript bundle, no invenio-assets build."""

from .ext import CAPUI

__all__ = ("CAPUI",)
