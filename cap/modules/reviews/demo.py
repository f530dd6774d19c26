"""Demo reviewers for ``cap setup --demo``: schema-level review grants.

Each e-group of ``CAP_REVIEWS_DEMO_REVIEWERS`` gets ``deposit-schema-review``
and ``record-schema-review`` on its deposit type (the demo account of the
CMS statistics committee reviews questionnaires). Idempotent.
"""

from flask import current_app
from invenio_access.models import ActionRoles
from invenio_access.permissions import ParameterizedActionNeed
from invenio_db import db

from ..instance.fixtures import ensure_role

REVIEW_ACTIONS = ("deposit-schema-review", "record-schema-review")


def load_demo_reviewers():
    """Grant the demo review rights; returns ``[(e-group, type)]`` newly granted."""
    granted = []
    for schema_name, egroups in current_app.config["CAP_REVIEWS_DEMO_REVIEWERS"].items():
        for egroup in egroups:
            role = ensure_role(egroup, "Reviewers (CERN e-group)")
            new = False
            for action in REVIEW_ACTIONS:
                exists = ActionRoles.query.filter_by(
                    action=action, argument=schema_name, role_id=role.id, exclude=False
                ).first()
                if exists is None:
                    db.session.add(ActionRoles.allow(
                        ParameterizedActionNeed(action, schema_name), role=role))
                    new = True
            if new:
                granted.append((egroup, schema_name))
    db.session.commit()
    return granted
