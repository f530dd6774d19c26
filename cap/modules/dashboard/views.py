"""``GET /dashboard`` and ``GET /collection/<name>[/<version>]`` (login required)."""

from flask import Blueprint, current_app, g

from ..core.db import read_only
from ..core.errors import register_error_handlers
from ..records.resources.http import answer, search_links, search_params
from ..records.resources.resource import aggregations_body
from ..records.resources.serializers import serialize_full
from . import service


@read_only
def dashboard():
    """The caller's drafts, shared drafts, published records and counts per type."""
    result = service.dashboard(g.identity)
    body = {
        name: {"hits": [serialize_full(item) for item in part["hits"]], "total": part["total"]}
        for name, part in result.items() if name != "counts"
    }
    body["counts"] = result["counts"]
    return answer(body)


@read_only
def collection(name, version=None):
    """Published records of one type (and version), with facets."""
    result, schema = service.collection(g.identity, name, version, search_params())
    path = f"collection/{schema.name}" + (f"/{schema.version}" if version else "")
    base = f"{current_app.config['SITE_API_URL']}/{path}"
    return answer({
        "collection": {"name": schema.name, "version": schema.version if version else None,
                       "fullname": schema.fullname, "experiment": schema.experiment},
        "hits": {"hits": [serialize_full(item) for item in result.items],
                 "total": result.total},
        "aggregations": aggregations_body(result),
        "links": search_links(base, result.params, result.total),
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
