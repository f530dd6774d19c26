"""Policies: item checks and search filters agree, identity by identity.

Documents shaped like deposits and records are indexed into a real
OpenSearch index; for every identity and action, the documents the search
filter returns must be exactly those the item check allows.
"""

import uuid

import pytest
from invenio_access.models import ActionRoles, ActionUsers
from invenio_access.permissions import ParameterizedActionNeed, superuser_access
from invenio_db import db as db_
from invenio_search import current_search_client
from invenio_search.utils import build_alias_name

from cap.modules.access.generators import schema_name_of
from cap.modules.access.policies import DepositPermissionPolicy, RecordPermissionPolicy
from cap.modules.core.errors import PermissionDeniedError
from cap.modules.schemas.mappings import ACCESS_TEMPLATES

CMS_SCHEMA = "https://cap/api/schemas/deposits/records/cms-analysis-v1.0.0.json"
LHCB_SCHEMA = "https://cap/api/schemas/deposits/records/lhcb-v1.0.0.json"
CMS_RECORD_SCHEMA = "https://cap/api/schemas/records/cms-analysis-v1.0.0.json"


@pytest.fixture(scope="module")
def people(app, database, experiment_roles, create_user):
    """One identity per row of the permission matrix."""
    people = {
        "owner": create_user("owner@cern.ch", roles=["cms-members@cern.ch"]),
        "shared_read": create_user("reader@cern.ch"),
        "shared_update": create_user("updater@cern.ch"),
        "egroup_member": create_user("egroup@cern.ch", roles=["cms-higgs@cern.ch"]),
        "cms_member": create_user("cms@cern.ch", roles=["cms-members@cern.ch"]),
        "atlas_member": create_user("atlas@cern.ch", roles=["atlas-active-members-all@cern.ch"]),
        "schema_admin": create_user("schema-admin@cern.ch"),
        "superuser": create_user(
            "super@cern.ch", roles=["analysis-preservation-support@cern.ch"]
        ),
    }
    db_.session.add(
        ActionUsers.allow(
            ParameterizedActionNeed("deposit-schema-admin", "cms-analysis"),
            user_id=people["schema_admin"].id,
        )
    )
    db_.session.add(
        ActionUsers.allow(
            ParameterizedActionNeed("record-schema-read", "cms-analysis"),
            user_id=people["schema_admin"].id,
        )
    )
    db_.session.commit()
    assert ActionRoles.query.filter_by(action=superuser_access.value).count() >= 1
    return people


def _grants(users=(), roles=()):
    return {"users": list(users), "roles": list(roles)}


@pytest.fixture(scope="module")
def documents(people):
    """A CMS draft shared three ways, an LHCb draft, and a published CMS record."""
    owner = people["owner"].id
    return {
        "cms_draft": {
            "$schema": CMS_SCHEMA,
            "_experiment": "CMS",
            "_access": {
                "deposit-read": _grants([people["shared_read"].id], ["cms-higgs@cern.ch"]),
                "deposit-update": _grants([people["shared_update"].id]),
                "deposit-admin": _grants([owner]),
            },
        },
        "lhcb_draft": {
            "$schema": LHCB_SCHEMA,
            "_experiment": "LHCb",
            "_access": {"deposit-admin": _grants([people["atlas_member"].id])},
        },
        "cms_record": {
            "$schema": CMS_RECORD_SCHEMA,
            "_experiment": "CMS",
            "_access": {"record-admin": _grants([owner])},
        },
    }


@pytest.fixture(scope="module")
def index(app, search, documents):
    """A real index holding the documents, with the fields the filters use."""
    name = build_alias_name(f"policy-test-{uuid.uuid4().hex[:8]}")
    current_search_client.indices.create(
        index=name,
        body={
            "mappings": {
                "dynamic": False,
                # The production templates: _access users/roles are exact values.
                "dynamic_templates": ACCESS_TEMPLATES,
                "properties": {
                    "_experiment": {"type": "keyword"},
                    "_schema": {"properties": {"name": {"type": "keyword"}}},
                    "_access": {"type": "object", "dynamic": True},
                },
            }
        },
    )
    for doc_id, doc in documents.items():
        body = dict(doc, _schema={"name": schema_name_of(doc)})
        current_search_client.index(index=name, id=doc_id, body=body)
    current_search_client.indices.refresh(index=name)
    yield name
    current_search_client.indices.delete(index=name)


def _search_ids(index, query_filter):
    body = {"query": {"bool": {"filter": [query_filter.to_dict()]}}, "size": 100}
    hits = current_search_client.search(index=index, body=body)["hits"]["hits"]
    return {hit["_id"] for hit in hits}


# (identity, action) -> the documents it may act on.
DEPOSIT_EXPECTED = {
    ("owner", "read"): {"cms_draft"},
    ("owner", "update"): {"cms_draft"},
    ("owner", "admin"): {"cms_draft"},
    ("shared_read", "read"): {"cms_draft"},
    ("shared_read", "update"): set(),
    ("shared_update", "read"): {"cms_draft"},
    ("shared_update", "update"): {"cms_draft"},
    ("shared_update", "admin"): set(),
    ("egroup_member", "read"): {"cms_draft"},
    ("egroup_member", "update"): set(),
    ("cms_member", "read"): set(),
    ("atlas_member", "read"): {"lhcb_draft"},
    ("atlas_member", "admin"): {"lhcb_draft"},
    ("schema_admin", "read"): {"cms_draft"},
    ("schema_admin", "admin"): {"cms_draft"},
    ("superuser", "read"): {"cms_draft", "lhcb_draft"},
    ("superuser", "admin"): {"cms_draft", "lhcb_draft"},
    ("anonymous", "read"): set(),
}

RECORD_EXPECTED = {
    ("owner", "read"): {"cms_record"},
    ("owner", "admin"): {"cms_record"},
    ("shared_read", "read"): set(),
    ("cms_member", "read"): {"cms_record"},
    ("cms_member", "update"): set(),
    ("atlas_member", "read"): set(),
    ("schema_admin", "read"): {"cms_record"},
    ("superuser", "read"): {"cms_record"},
    ("anonymous", "read"): set(),
}


def _identity(people, create_user, who):
    return create_user.anonymous if who == "anonymous" else people[who].identity


@pytest.mark.parametrize(("who", "action"), sorted(DEPOSIT_EXPECTED))
def test_deposit_item_checks_and_search_agree(
    people, create_user, documents, index, who, action
):
    identity = _identity(people, create_user, who)
    drafts = {k: v for k, v in documents.items() if k.endswith("_draft")}
    allowed = {
        doc_id
        for doc_id, doc in drafts.items()
        if DepositPermissionPolicy(action, record=doc).allows(identity)
    }
    assert allowed == DEPOSIT_EXPECTED[(who, action)]
    found = _search_ids(index, DepositPermissionPolicy(action).query_filter(identity))
    assert found & set(drafts) == allowed


@pytest.mark.parametrize(("who", "action"), sorted(RECORD_EXPECTED))
def test_record_item_checks_and_search_agree(people, create_user, documents, index, who, action):
    identity = _identity(people, create_user, who)
    record = documents["cms_record"]
    allowed = {"cms_record"} if RecordPermissionPolicy(action, record=record).allows(
        identity
    ) else set()
    assert allowed == RECORD_EXPECTED[(who, action)]
    found = _search_ids(index, RecordPermissionPolicy(action).query_filter(identity))
    assert found & {"cms_record"} == allowed


def test_unlisted_action_is_superuser_only(people, documents):
    draft = documents["cms_draft"]
    assert not DepositPermissionPolicy("frobnicate", record=draft).allows(
        people["owner"].identity
    )
    assert DepositPermissionPolicy("frobnicate", record=draft).allows(
        people["superuser"].identity
    )


def test_require_raises_a_plain_service_error(people, documents):
    with pytest.raises(PermissionDeniedError):
        DepositPermissionPolicy("update", record=documents["cms_draft"]).require(
            people["shared_read"].identity
        )


@pytest.mark.parametrize(
    ("who", "schema", "experiment", "allowed"),
    [
        ("cms_member", "cms-analysis", "CMS", True),
        ("cms_member", "lhcb", "LHCb", False),
        ("atlas_member", "cms-analysis", "CMS", False),
        ("shared_read", "generic", None, True),
        ("anonymous", "generic", None, False),
        ("superuser", "lhcb", "LHCb", True),
    ],
)
def test_create_right_follows_experiment_membership(
    people, create_user, who, schema, experiment, allowed
):
    identity = _identity(people, create_user, who)
    context = {"_experiment": experiment} if experiment else {}
    policy = DepositPermissionPolicy("create", record=context, schema=schema)
    assert policy.allows(identity) is allowed
