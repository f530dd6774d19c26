"""Dataset search for forms, identity first (CMS members only)."""

from flask import current_app

from ...core.args import int_arg
from ...core.errors import InvalidRequestError, field_error
from . import api
from .names import KINDS
from .permissions import require_cms


def page_params(params, prefix="CAP_DAS"):
    """``(size, page)`` from query arguments, bounded by the configuration."""
    config = current_app.config
    size = int_arg("size", params.get("size"), config[f"{prefix}_DEFAULT_SIZE"], 1,
                   config[f"{prefix}_MAX_SIZE"])
    page = int_arg("page", params.get("page"), 1, 1)
    if page * size > 10000:
        message = "page * size may be at most 10000."
        raise InvalidRequestError(message, [field_error("page", message)])
    return size, page


class DatasetService:
    """Search the loaded DAS dataset names."""

    def search(self, identity, params, kind=None):
        """``{"total", "hits": [{name, primary_dataset, processed_dataset, tier, kind}]}``."""
        require_cms(identity)
        if kind not in (None, *KINDS):
            raise InvalidRequestError(f"Unknown dataset kind {kind!r}.")
        size, page = page_params(params)
        total, hits = api.search(params.get("query", ""), kind=kind, size=size, page=page)
        return {"total": total, "hits": hits}
