"""What the dashboard shows, all through the read policies' search filters.

One ``msearch`` round trip: my drafts, drafts shared with me (readable, not
owned), my published records, the latest published records of my
collaborations, and counts per type of readable drafts and records.
"""

from flask import current_app
from invenio_search import current_search_client
from invenio_search.engine import dsl
from invenio_search.utils import build_alias_name

from ..access.generators import experiments_of, identity_user_id
from ..access.policies import DepositPermissionPolicy, RecordPermissionPolicy
from ..core.errors import NotFoundError, PermissionDeniedError
from ..records.services.results import hit_items, record_list
from ..records.services.search import run_search
from ..schemas.api import get_schema
from ..schemas.errors import SchemaNotFoundError

OWNERS = "_deposit.owners"
RECENT = [{"updated": {"order": "desc", "unmapped_type": "date"}}]
LISTS = ("my_drafts", "shared_with_me", "my_published", "collaboration")


def _require_login(identity):
    if identity is None or identity.id is None:
        raise PermissionDeniedError("You need to log in to see your dashboard.")


def _body(query, filters, size, aggs=None):
    return {
        "query": dsl.Q("bool", must=[query], filter=filters).to_dict(),
        "sort": RECENT, "size": size, "version": True, "track_total_hits": True,
        "aggs": aggs or {},
    }


def dashboard(identity):
    """``{my_drafts, shared_with_me, my_published, collaboration: {hits, total}, counts}``.

    ``hits`` are result items (the users and files of all of them read at
    once); ``counts``
    is ``{"drafts"|"published": {type: n}}``.
    """
    _require_login(identity)
    config = current_app.config
    size = config["CAP_DASHBOARD_SIZE"]
    user_id = identity_user_id(identity)
    mine = dsl.Q("term", **{OWNERS: user_id}) if user_id is not None else dsl.Q("match_none")
    deposit_read = DepositPermissionPolicy("read").query_filter(identity)
    record_read = RecordPermissionPolicy("read").query_filter(identity)
    experiments = experiments_of(identity)
    in_my_collaborations = (
        dsl.Q("terms", _experiment=experiments) if experiments else dsl.Q("match_none")
    )
    counts = {"types": {"terms": {"field": "_schema.name",
                                  "size": config["CAP_DASHBOARD_COUNTS_SIZE"]}}}
    draft = dsl.Q("term", **{"_deposit.status": "draft"})
    deposits, records = build_alias_name("deposits"), build_alias_name("records")
    searches = [
        ("my_drafts", deposits, _body(mine, [deposit_read, draft], size)),
        ("shared_with_me", deposits,
         _body(dsl.Q("bool", must_not=[mine]), [deposit_read, draft], size)),
        ("my_published", records, _body(mine, [record_read], size)),
        ("collaboration", records, _body(in_my_collaborations, [record_read], size)),
        ("drafts_count", deposits, _body(dsl.Q("match_all"), [deposit_read, draft], 0, counts)),
        ("published_count", records, _body(dsl.Q("match_all"), [record_read], 0, counts)),
    ]
    body = []
    for _, index, search_body in searches:
        body += [{"index": index, "ignore_unavailable": True}, search_body]
    responses = current_search_client.msearch(body=body)["responses"]
    result = {}
    for (name, _, _), response in zip(searches, responses, strict=True):
        hits = response.get("hits", {}) if "error" not in response else {}
        total = hits.get("total", {"value": 0})
        total = total["value"] if isinstance(total, dict) else total
        if name in LISTS:
            result[name] = {"hits": hits.get("hits", []), "total": total}
        else:
            buckets = ((response.get("aggregations") or {}).get("types") or {}).get("buckets", [])
            key = "drafts" if name == "drafts_count" else "published"
            result.setdefault("counts", {})[key] = {b["key"]: b["doc_count"] for b in buckets}
    items = iter(hit_items(
        identity, [hit for name in LISTS for hit in result[name]["hits"]],
        DepositPermissionPolicy,
    ))
    for name in LISTS:
        result[name]["hits"] = [next(items) for _ in result[name]["hits"]]
    return result


def collection(identity, name, version=None, params=None):
    """Published records of one type (and version) the identity may read, with
    facets: ``(RecordList, schema)``."""
    _require_login(identity)
    try:
        schema = get_schema(name, version)
    except SchemaNotFoundError:
        raise NotFoundError(f"No collection {name}" + (f" v{version}." if version else ".")) \
            from None
    params = dict(params or {})
    params["collection"] = schema.name
    if version is not None:
        params["collection_version"] = schema.version
    answer, parsed = run_search(identity, params, "records", RecordPermissionPolicy("read"))
    return record_list(identity, answer, parsed, DepositPermissionPolicy), schema
