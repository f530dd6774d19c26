"""``GET /dashboard`` and ``GET /collection/<name>[/<version>]`` (login required)."""

from flask import Blueprint, current_app, g, request

from ..core.db import read_only
from ..core.errors import register_error_handlers
from ..deposit.resources.http import answer, search_links
from ..deposit.resources.serializers import serialize_hits
from . import service


@read_only
def dashboard():
    """The caller's drafts, shared drafts, published records and counts per type."""
    result = service.dashboard(g.identity)
    parts = {name: part for name, part in result.items() if name != "counts"}
    # Every part's hits serialized together: users and files looked up once.
    bodies = iter(serialize_hits(
        [hit for part in parts.values() for hit in part["hits"]], g.identity))
    body = {
        name: {"hits": [next(bodies) for _ in part["hits"]], "total": part["total"]}
        for name, part in parts.items()
    }
    body["counts"] = result["counts"]
    return answer(body)


def _args():
    params = {key: request.args.getlist(key) for key in request.args}
    return {k: (v[0] if len(v) == 1 else v) for k, v in params.items()}


@read_only
def collection(name, version=None):
    """Published records of one type (and version), with facets."""
    result, parsed, schema = service.collection(g.identity, name, version, _args())
    hits = result["hits"]["hits"]
    total = result["hits"]["total"]
    total = total["value"] if isinstance(total, dict) else total
    aggregations = {
        key: {"buckets": [{"key": b["key"], "doc_count": b["doc_count"]}
                          for b in agg.get("buckets", [])]}
        for key, agg in (result.get("aggregations") or {}).items()
    }
    path = f"collection/{schema.name}" + (f"/{schema.version}" if version else "")
    base = f"{current_app.config['SITE_API_URL']}/{path}"
    return answer({
        "collection": {"name": schema.name, "version": schema.version if version else None,
                       "fullname": schema.fullname, "experiment": schema.experiment},
        "hits": {"hits": serialize_hits(hits, g.identity), "total": total},
        "aggregations": aggregations,
        "links": search_links(base, parsed, total),
    })


def create_blueprint(app):
    """Blueprint of the dashboard and collection endpoints."""
    blueprint = Blueprint("cap_dashboard", __name__)
    blueprint.add_url_rule("/dashboard", "dashboard", dashboard, methods=["GET"])
    blueprint.add_url_rule("/collection/<name>", "collection", collection, methods=["GET"])
    blueprint.add_url_rule(
        "/collection/<name>/<version>", "collection", collection, methods=["GET"]
    )
    register_error_handlers(blueprint)
    return blueprint
