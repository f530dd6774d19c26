"""Demo content of ``cap setup --demo``: one record open to the world.

The record published from the generic type's example is opened by its owner
through the service (the type's shipped config says ``"public_records":
"per_record"``), so ``/oai2d`` and its public page have something to show;
every other demo record stays closed. Idempotent: an open record is left as it is.
"""

from ..deposit.demo import demo_record
from ..records.api import PublishedRecord
from ..schemas.api import get_schema
from .proxies import current_oaipmh_service

PUBLIC_DEMO_TYPE = "generic"
"""The deposit type whose demo record is opened."""


def load_demo_public_record():
    """The recid of the opened demo record (now or before), or ``None`` when
    there is no such record."""
    schema = get_schema(PUBLIC_DEMO_TYPE)
    found = demo_record(schema) if schema else None
    if found is None:
        return None
    recid, owner = found
    if PublishedRecord.get_by_pid(recid).get("_public") is not True:
        current_oaipmh_service.set_public(owner, recid, True)
    return recid
