"""Trigger search for forms, identity first (CMS members only)."""

from ...core.errors import InvalidRequestError, field_error
from ..das.permissions import require_cms
from ..das.service import page_params
from . import api


class TriggerService:
    """Search the loaded HLT paths."""

    def search(self, identity, params):
        """``{"total", "hits": [{trigger, datasets, years}]}`` for query, dataset, year."""
        require_cms(identity)
        size, page = page_params(params, prefix="CAP_TRIGGERS")
        year = params.get("year") or None
        if year is not None:
            if not str(year).isdigit():
                message = "year must be a number."
                raise InvalidRequestError(message, [field_error("year", message)])
            year = int(year)
        total, hits = api.search(
            params.get("query", ""), dataset=params.get("dataset") or None, year=year,
            size=size, page=page,
        )
        return {"total": total, "hits": hits}
