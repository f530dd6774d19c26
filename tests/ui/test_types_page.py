"""/admin/types: the content builder's page, for superusers and type administrators only."""

from test_pages import assert_cap_page, page_props


def login(client, user, password):
    response = client.post("/login/", data={"email": user.email, "password": password})
    assert response.status_code == 302


def test_members_get_a_403_and_guests_the_login(client, ui_user, ui_password):
    assert client.get("/admin/types").status_code == 302  # to the login page
    login(client, ui_user, ui_password)
    assert client.get("/admin/types").status_code == 403


def test_a_type_administrator_may_version_their_type_only(
    app, client, ui_user, ui_password, schemas
):
    from invenio_access.models import ActionUsers
    from invenio_access.permissions import ParameterizedActionNeed
    from invenio_db import db

    grant = ActionUsers.allow(ParameterizedActionNeed("deposit-schema-admin", "lhcb"),
                              user_id=ui_user.id)
    db.session.add(grant)
    db.session.commit()
    try:
        login(client, ui_user, ui_password)
        page, props = page_props(assert_cap_page(client.get("/admin/types")))
        assert page == "types"
        assert props["scope"] == {"any": False, "names": ["lhcb"]}
        assert props["experiments"] == sorted(app.config["CAP_EXPERIMENTS"])
    finally:
        db.session.delete(grant)
        db.session.commit()
