"""Fixtures of the review tests: a committee e-group holding the schema-level
review rights of the CMS statistics questionnaire, and its drafts."""

import copy
from types import SimpleNamespace

import pytest
from invenio_access.models import ActionRoles
from invenio_access.permissions import ParameterizedActionNeed
from invenio_db import db as db_

COMMITTEE = "cms-stats-committee@cern.ch"
TYPE = "cms-stats-questionnaire"


@pytest.fixture(scope="module")
def reviewers(create_user, experiment_roles, schemas):
    """A committee member (schema-level review grant through the e-group), a
    CMS member without any review right, and the owner of the drafts."""
    from cap.modules.instance.fixtures import ensure_role

    role = ensure_role(COMMITTEE)
    for action in ("deposit-schema-review", "record-schema-review"):
        db_.session.add(ActionRoles.allow(ParameterizedActionNeed(action, TYPE), role=role))
    db_.session.commit()
    return SimpleNamespace(
        owner=create_user("rv-owner@cern.ch", roles=["cms-members@cern.ch"]),
        committee=create_user("rv-committee@cern.ch", roles=["cms-members@cern.ch", COMMITTEE]),
        committee_second=create_user("rv-committee-2@cern.ch",
                                     roles=["cms-members@cern.ch", COMMITTEE]),
        member=create_user("rv-member@cern.ch", roles=["cms-members@cern.ch"]),
        stranger=create_user("rv-stranger@cern.ch"),
    )


@pytest.fixture
def questionnaire(app, db, location, schemas, reviewers, example):
    """Factory: a new questionnaire draft of the owner (complete: it can be published)."""
    from cap.modules.deposit.proxies import current_deposit_service

    data = example(TYPE)
    counter = iter(range(100, 1000))

    def make():
        metadata = copy.deepcopy(data)
        metadata["analysis_context"]["cadi_id"] = f"HIG-21-{next(counter)}"
        return current_deposit_service.create(
            reviewers.owner.identity, {"$ana_type": TYPE, **metadata}
        )

    return make


@pytest.fixture
def approval_gate(app, db, schemas):
    """The questionnaire's config asks for an approved review before publish
    (``config.review.required_to_publish``), for one test."""
    from cap.modules.schemas.api import get_schema

    schema = get_schema(TYPE)
    original = copy.deepcopy(schema.config)
    schema.config = {**original, "review": {"required_to_publish": True}}
    db_.session.commit()
    yield schema
    schema = get_schema(TYPE)
    schema.config = original
    db_.session.commit()
