"""``GET /api/me``: account, roles and the deposit types the user may create."""

import pytest
from invenio_access.models import ActionUsers
from invenio_access.permissions import ParameterizedActionNeed
from invenio_db import db

from cap.modules.schemas.api import list_schemas, load_from_directory


@pytest.fixture(scope="module")
def schemas(app, database):
    """The schemas shipped in cap/jsonschemas, in the registry."""
    load_from_directory()
    return {schema.name: schema for schema in list_schemas(latest_only=True)}


@pytest.fixture(scope="module")
def users(create_user, experiment_roles, schemas):
    """A CMS member, an LHCb member, a user of no experiment and a superuser."""
    return {
        "cms": create_user("me-cms@cern.ch", roles=["cms-members@cern.ch"]),
        "lhcb": create_user("me-lhcb@cern.ch", roles=["lhcb-general@cern.ch"]),
        "nobody": create_user("me-nobody@cern.ch"),
        "admin": create_user(
            "me-admin@cern.ch", roles=["analysis-preservation-support@cern.ch"]
        ),
    }


def _types(client, user):
    response = client.get("/me", headers=user.headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json, {group["deposit_group"] for group in response.json["deposit_groups"]}


def experiment_types(schemas, experiment):
    """Names of the schemas of one experiment."""
    return {name for name, schema in schemas.items() if schema.experiment == experiment}


def test_me_shape(app, client, users, schemas):
    """``{id, email, profile, roles, deposit_groups: [{name, deposit_group, schema_path}]}``."""
    body, _ = _types(client, users["cms"])
    assert set(body) == {"id", "email", "profile", "roles", "deposit_groups"}
    assert body["id"] == users["cms"].id
    assert body["email"] == "me-cms@cern.ch"
    assert body["roles"] == ["cms-members@cern.ch"]
    assert isinstance(body["profile"], dict)
    group = next(g for g in body["deposit_groups"] if g["deposit_group"] == "cms-analysis")
    latest = schemas["cms-analysis"]
    assert group == {
        "name": latest.fullname,
        "deposit_group": "cms-analysis",
        "schema_path": latest.deposit_path,
    }
    assert latest.version == "2.1.0" and "2.1.0" in group["schema_path"]


def test_cms_member_gets_cms_types_only(app, client, users, schemas):
    """CMS types, experiment-free ones, and no LHCb/ATLAS/ALICE ones."""
    _, types = _types(client, users["cms"])
    cms = experiment_types(schemas, "CMS")
    assert cms and cms <= types
    assert not types & experiment_types(schemas, "LHCb")
    assert not types & experiment_types(schemas, "ATLAS")
    assert types == cms | experiment_types(schemas, None)


def test_lhcb_member_gets_lhcb_types(app, client, users, schemas):
    """The LHCb member sees LHCb types but not CMS ones."""
    _, types = _types(client, users["lhcb"])
    assert experiment_types(schemas, "LHCb") <= types
    assert not types & experiment_types(schemas, "CMS")


def test_schema_grant_adds_a_type(app, client, users, schemas):
    """``deposit-schema-create`` on a schema lets a non-member create it."""
    _, before = _types(client, users["nobody"])
    assert "lhcb" not in before
    db.session.add(
        ActionUsers.allow(
            ParameterizedActionNeed("deposit-schema-create", "lhcb"),
            user_id=users["nobody"].id,
        )
    )
    db.session.commit()
    _, after = _types(client, users["nobody"])
    assert after == before | {"lhcb"}


def test_superuser_gets_every_type(app, client, users, schemas):
    """Superusers may create every type."""
    _, types = _types(client, users["admin"])
    assert types == set(schemas)


def test_anonymous_is_401(app, client):
    """No token, no session: a JSON 401."""
    response = client.get("/me", headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert response.json["message"]
