"""Dataset search for forms, identity first (CMS members only)."""

from flask import current_app

from ...core.errors import InvalidRequestError, field_error
from . import api
from .names import KINDS
from .permissions import require_cms


def page_params(params, prefix="CAP_DAS"):
    """``(size, page)`` from query arguments, bounded by the configuration."""
    config = current_app.config
    errors = []
    values = {}
    for name, default in (("size", config[f"{prefix}_DEFAULT_SIZE"]), ("page", 1)):
        raw = params.get(name)
        try:
            value = int(raw) if raw not in (None, "") else default
        except (TypeError, ValueError):
            value = None
        if value is None or value < 1:
            errors.append(field_error(name, f"{name} must be a positive number."))
        values[name] = value
    if not errors and values["size"] > config[f"{prefix}_MAX_SIZE"]:
        errors.append(field_error("size", f"size may be at most {config[f'{prefix}_MAX_SIZE']}."))
    if not errors and values["page"] * values["size"] > 10000:
        errors.append(field_error("page", "page * size may be at most 10000."))
    if errors:
        raise InvalidRequestError("Invalid paging.", errors)
    return values["size"], values["page"]


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
