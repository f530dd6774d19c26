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


def types_link(client):
    """Whether the page header links the content builder."""
    return 'href="/admin/types">Types</a>' in client.get("/search").get_data(as_text=True)


def test_the_header_links_types_to_superusers_and_type_administrators_only(
    app, client, create_user, ui_user, ui_password, experiment_roles
):
    from flask_security.utils import hash_password
    from invenio_access.models import ActionUsers
    from invenio_access.permissions import ParameterizedActionNeed
    from invenio_db import db

    assert 'href="/admin/types"' not in client.get("/").get_data(as_text=True)  # a guest
    login(client, ui_user, ui_password)
    assert not types_link(client)  # a member
    client.post("/logout/")

    superuser = create_user("ui-header-su@cern.ch",
                            roles=["analysis-preservation-support@cern.ch"])
    type_admin = create_user("ui-header-admin@cern.ch")
    for person in (superuser, type_admin):
        person.user.password = hash_password(ui_password)
    db.session.add(ActionUsers.allow(ParameterizedActionNeed("deposit-schema-admin", "lhcb"),
                                     user_id=type_admin.id))
    db.session.commit()
    for person in (superuser, type_admin):
        login(client, person, ui_password)
        assert types_link(client), person.email
        client.post("/logout/")
