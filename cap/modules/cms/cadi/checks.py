"""Deposit save hook: a hand-made draft cannot claim a CADI id another draft holds.

Registered under the ``cap.deposit.validators`` entry point group; the
deposit service calls it after JSON Schema validation, on create (``deposit``
is ``None``) and on update/patch (the draft being saved, which may keep its
own CADI id).
"""

from flask import current_app

from ...core.errors import field_error
from ...schemas.keywords import UNIQUE_CADI, dotted, marked_fields
from .sync import find_holder

FIELD = "basic_info.cadi_id"


def check_cadi_id(schema, metadata, deposit=None):
    """Field errors when ``basic_info.cadi_id`` is held by another draft;
    the error's ``draft`` is the holder's id.

    Only drafts of the CADI deposit type (cms-analysis) claim CADI ids,
    and those of a (legacy) schema marking the field
    ``"x-validate-unique-cadi"``; other types (e.g. questionnaires) merely
    refer to an analysis.
    """
    marked = any(
        dotted(parts) == FIELD for parts, _ in marked_fields(schema.deposit_schema, UNIQUE_CADI)
    )
    if schema.name != current_app.config["CAP_CADI_DEPOSIT_TYPE"] and not marked:
        return []
    basic_info = metadata.get("basic_info") if isinstance(metadata, dict) else None
    cadi_id = basic_info.get("cadi_id") if isinstance(basic_info, dict) else None
    if not isinstance(cadi_id, str) or not cadi_id:
        return []
    own_pid = deposit.pid if deposit is not None else None
    holder = find_holder(cadi_id, exclude_pid=own_pid, also_types=[schema.name])
    if holder is None:
        return []
    # The holder by id only: whether the caller may see it is for the reader
    # to ask (GET /deposits/<id>), the message names no draft.
    error = field_error(
        FIELD,
        f"The CADI analysis {cadi_id} already has a draft: "
        "ask its owners to share it instead of creating another one.",
    )
    error["draft"] = holder[1]
    return [error]
