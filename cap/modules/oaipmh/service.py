"""What OAI-PMH harvests: published records the policy's ``harvest`` action
opens (:class:`~cap.modules.access.generators.PublicRecord`), identity first.

Pages are sorted by ``(updated, recid)`` and continue after the last one
shown (``search_after``), so a harvest neither skips nor repeats a record
while others are published.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from flask_principal import Identity
from invenio_access.permissions import any_user
from invenio_db.uow import unit_of_work
from invenio_pidstore.errors import PIDDoesNotExistError
from invenio_search import current_search_client
from invenio_search.engine import dsl
from invenio_search.utils import build_alias_name

from ..access.generators import schema_name_of
from ..access.policies import RecordPermissionPolicy
from ..core.errors import InvalidRequestError, NotFoundError, PermissionDeniedError, field_error
from ..core.uow import RecordCommitOp
from ..records.api import PublishedRecord
from ..records.indexer import get_indexer
from ..records.services.results import hit_items, record_item
from ..records.services.service import readable_record
from ..schemas.api import (
    PER_RECORD,
    PUBLIC_RECORDS_KEY,
    get_schema,
    get_schema_by_url,
    opens_per_record,
    per_record_schema_versions,
    public_schema_versions,
)

SORT = [{"updated": "asc"}, {"control_number": "asc"}]

TYPE_SETS = "type"
"""``setSpec`` of the set of deposit types; ``type:<schema name>`` is one type's."""


def world_identity():
    """The identity of anyone at all (an anonymous harvester or visitor): what
    the ``harvest`` action shows it is what the world may see."""
    identity = Identity(None)
    identity.provides.add(any_user)
    return identity


@dataclass(frozen=True)
class Harvest:
    """One page of a harvest: items, how many match in all, and where the page ended."""

    items: list
    total: int
    last: list | None
    """Sort values of the last item (``None`` for an empty page)."""


class OAIPMHService:
    """Harvestable records: search and read."""

    policy_cls = RecordPermissionPolicy
    action = "harvest"
    alias = "records"
    record_cls = PublishedRecord

    def sets(self):
        """``[(setSpec, setName)]``: one set per experiment, then the deposit types
        (``type``) and one set per type whose records its collaboration may open
        (``type:<schema name>``, named by the type's latest full name)."""
        experiments = [(name.lower(), f"{name} Collaboration")
                       for name in sorted(current_app.config["CAP_EXPERIMENTS"])]
        types = [(f"{TYPE_SETS}:{name}", get_schema(name).fullname or name)
                 for name in self._type_names()]
        return experiments + [(TYPE_SETS, "Deposit types (collections)")] + types

    def _type_names(self):
        """The deposit types with a schema version that opens records."""
        return sorted({name for name, _ in
                       public_schema_versions() | per_record_schema_versions()})

    def set_filter(self, spec):
        """The search filter of the set ``spec`` (:class:`NotFoundError` when there
        is no such set)."""
        if spec == TYPE_SETS:
            return dsl.Q("exists", field="_schema.name")
        type_name = spec.removeprefix(f"{TYPE_SETS}:")
        if type_name != spec and type_name in self._type_names():
            return dsl.Q("term", **{"_schema.name": type_name})
        experiment = next((name for name in current_app.config["CAP_EXPERIMENTS"]
                           if name.lower() == spec), None)
        if experiment is None:
            raise NotFoundError(f"No set {spec!r}.")
        return dsl.Q("term", _experiment=experiment)

    def sets_of(self, item):
        """The ``setSpec`` of each set a harvested item is in (its experiment's, its type's)."""
        specs = [item.data["_experiment"].lower()] if item.data.get("_experiment") else []
        type_name = schema_name_of(item.data)
        return [*specs, f"{TYPE_SETS}:{type_name}"] if type_name else specs

    def _filter(self, identity, spec=None, since=None, until=None):
        filters = [self.policy_cls(self.action).query_filter(identity)]
        if spec:
            filters.append(self.set_filter(spec))
        if since or until:
            bounds = {"gte": since.isoformat()} if since else {}
            if until:
                bounds["lte"] = until.isoformat()
            filters.append(dsl.Q("range", updated=bounds))
        return dsl.Q("bool", filter=filters).to_dict()

    def harvest(self, identity, spec=None, since=None, until=None, after=None, size=100):
        """A :class:`Harvest` page of what ``identity`` may harvest, optionally of the
        set ``spec``, updated in ``[since, until]``, after the sort values ``after``."""
        body = {"query": self._filter(identity, spec, since, until), "sort": SORT,
                "size": size, "track_total_hits": True}
        if after:
            body["search_after"] = after
        answer = current_search_client.search(
            index=build_alias_name(self.alias), body=body, ignore_unavailable=True)
        hits = answer["hits"]["hits"]
        return Harvest(
            items=hit_items(identity, hits, self.policy_cls),
            total=answer["hits"]["total"]["value"],
            last=hits[-1]["sort"] if hits else None,
        )

    def earliest(self, identity):
        """When the earliest harvestable record was last updated (ISO), or ``None``."""
        answer = current_search_client.search(
            index=build_alias_name(self.alias), ignore_unavailable=True,
            body={"query": self._filter(identity), "size": 0,
                  "aggs": {"earliest": {"min": {"field": "updated"}}}})
        return (answer.get("aggregations") or {}).get("earliest", {}).get("value_as_string")

    def read(self, identity, recid):
        """The item of a harvestable record (:class:`NotFoundError` for any other)."""
        try:
            record = self.record_cls.get_by_pid(recid)
        except PIDDoesNotExistError:
            raise NotFoundError(f"Record {recid} does not exist.") from None
        if not self.policy_cls(self.action, record=record).allows(identity):
            raise NotFoundError(f"Record {recid} does not exist.")
        return record_item(identity, record)

    @unit_of_work()
    def set_public(self, identity, recid, public, uow=None):
        """Open (``public`` true) or close one record to the world, by its admins,
        where its schema's collaboration lets records be opened one by one
        (``config.public_records: "per_record"``). Answers the record item."""
        if not isinstance(public, bool):
            message = "public must be true or false."
            raise InvalidRequestError(message, [field_error(["public"], message)])
        record = readable_record(identity, recid, self.record_cls, self.policy_cls,
                                 for_update=True)
        self.policy_cls("open", record=record).require(identity)
        schema = get_schema_by_url(record["$schema"])
        if not opens_per_record(schema):
            raise PermissionDeniedError(
                f"Records of {schema.name} v{schema.version} are not opened one by one: "
                f"its collaboration has not allowed it (schema config {PUBLIC_RECORDS_KEY}: "
                f'"{PER_RECORD}").')
        record["_public"] = public
        record["_public_changed"] = {"by": identity.id,
                                     "at": datetime.now(UTC).isoformat(timespec="seconds")}
        uow.register(RecordCommitOp(record, get_indexer()))
        return record_item(identity, record)
