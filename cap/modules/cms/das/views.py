"""``/cms/datasets``, ``/cms/primary-datasets``, ``/cms/mc-datasets``: thin views."""

from flask import Blueprint, g, jsonify, request

from ...core.errors import register_error_handlers
from .names import KIND_DATA, KIND_MC
from .proxies import current_dataset_service


def _search(kind):
    def view():
        return jsonify(current_dataset_service.search(g.identity, request.args, kind=kind)), 200

    view.__doc__ = f"DAS datasets ({kind or 'all'}) matching ``query``."
    return view


def create_blueprint(app):
    """Blueprint of the dataset endpoints."""
    blueprint = Blueprint("cap_cms_das", __name__)
    blueprint.add_url_rule("/cms/datasets", "datasets", _search(None))
    blueprint.add_url_rule("/cms/primary-datasets", "primary_datasets", _search(KIND_DATA))
    blueprint.add_url_rule("/cms/mc-datasets", "mc_datasets", _search(KIND_MC))
    register_error_handlers(blueprint)
    return blueprint
