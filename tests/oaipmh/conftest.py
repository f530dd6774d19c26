"""OAI-PMH fixtures: the UI app (``/oai2d`` is a UI route) served on loopback,
with records of opened and closed schemas published once per module."""

import copy
import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from invenio_app.factory import create_ui
from invenio_search import current_search_client
from invenio_search.utils import build_alias_name
from support.live import free_port, served_config, serving

OPENED = ("generic", "cms-analysis")
"""Schemas whose collaboration opened their records (``public_records``)."""


@pytest.fixture(scope="module")
def live_port():
    """A free loopback port for the live server."""
    return free_port()


@pytest.fixture(scope="module")
def create_app(instance_path):
    """The UI application."""
    return create_ui


@pytest.fixture(scope="module")
def app_config(app_config, live_port):
    """Served at its own address; small pages, so harvests need resumption tokens."""
    served_config(app_config, live_port)
    app_config.update(CAP_OAIPMH_PAGE_SIZE=2, APP_THEME=None)
    return app_config


def _publish(service, user, ana_type, metadata):
    from invenio_db import db

    draft = service.create(user.identity, {"$ana_type": ana_type, **metadata})
    db.session.commit()
    published = service.publish(user.identity, draft.pid)
    return published.data["_deposit"]["pid"]["value"]


@pytest.fixture(scope="module")
def published(app, database, location, users, live_port):
    """Records of opened schemas (``opened``; the generic ones also ``generic``),
    of a closed one (``closed``),
    and a draft never published, all committed and indexed; the app served.

    The schemas are loaded here rather than with the ``schemas`` fixture,
    whose users empty the indexes after every test.
    """
    from invenio_db import db

    from cap.modules.deposit.proxies import current_deposit_service as service
    from cap.modules.schemas import api
    from cap.modules.schemas.api import PUBLIC_RECORDS_KEY

    names = []
    for schema, _ in api.load_from_directory():
        api.create_indexes(schema)
        names += api.index_names(schema)
    for name in OPENED:
        schema = api.get_schema(name)
        schema.config = {**(schema.config or {}), PUBLIC_RECORDS_KEY: True}
    db.session.commit()

    def example(name):
        folder = Path(app.config["CAP_SCHEMAS_DIR"]) / name / f"v{api.get_schema(name).version}"
        return json.loads((folder / "example.json").read_text())

    cms = example("cms-analysis")
    cms.pop("cadi_info")  # protected: filled from CADI only
    generic = {"general_title": "Recasting dark matter", "title": "Recasting dark matter",
               "description": "Reinterpretation.", "people": [{"name": "Sofia Andersson"}]}
    opened = [
        _publish(service, users.owner, "generic", generic),
        _publish(service, users.owner, "generic", {**generic, "general_title": "Second"}),
        _publish(service, users.owner, "cms-analysis", cms),
        _publish(service, users.colleague, "cms-analysis", {
            **copy.deepcopy(cms), "general_title": "Another CMS analysis",
            "basic_info": {**cms["basic_info"], "cadi_id": "EXO-19-001"}}),
    ]
    closed = [_publish(service, users.atlas, "atlas-analysis", example("atlas-analysis"))]
    draft = service.create(users.owner.identity, {"$ana_type": "generic", **generic})
    db.session.commit()
    current_search_client.indices.refresh(index=build_alias_name("records"))
    with serving(app, live_port) as url:
        yield SimpleNamespace(
            url=url,
            opened=set(opened), generic=set(opened[:2]), closed=set(closed), draft=draft.pid,
        )
    api.delete_index_names(names)
