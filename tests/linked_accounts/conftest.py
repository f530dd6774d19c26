"""Linked accounts tests: the UI + API app (the OAuth dance is the UI's, the
rest the API's) against the fake GitHub, GitLab and Zenodo on 127.0.0.1."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from invenio_app.factory import create_app as create_ui_and_api

PASSWORD = "linked-accounts-test-password"


@pytest.fixture(scope="module")
def create_app(instance_path):
    """UI at ``/``, API at ``/api``: one test client does both, with one session."""
    return create_ui_and_api


@pytest.fixture(scope="module")
def fakes(github_server, zenodo_server):
    """The fake GitHub, a fake GitLab and the fake Zenodo, for the module."""
    from fakes.git_server import start_gitlab

    gitlab = start_gitlab()
    yield github_server, gitlab, zenodo_server
    gitlab.stop()


@pytest.fixture(scope="module")
def app_config(app_config, fakes):
    """Git hosts, Zenodo and the linked accounts all pointing at the fakes."""
    from fakes.git_server import hosts_config
    from fakes.oauth import linked_accounts_config

    github, gitlab, zenodo = fakes
    app_config.update(
        zenodo.config,
        CAP_REPOSITORIES_HOSTS=hosts_config(github, gitlab),
        CAP_LINKED_ACCOUNTS=linked_accounts_config(github, gitlab, zenodo),
        CAP_LINKED_ACCOUNTS_TIMEOUT=3,
        CAP_REPOSITORIES_TIMEOUT=3,
        CAP_ZENODO_TIMEOUT=5,
        CAP_ZENODO_RETRIES=0,
    )
    return app_config


@pytest.fixture()
def github(fakes):
    """The fake GitHub, fresh."""
    fakes[0].reset()
    yield fakes[0]
    fakes[0].reset()


@pytest.fixture()
def gitlab(fakes):
    """The fake GitLab (gitlab.cern.ch), fresh."""
    fakes[1].reset()
    yield fakes[1]
    fakes[1].reset()


@pytest.fixture()
def zenodo(fakes):
    """The fake Zenodo, fresh."""
    fakes[2].reset()
    yield fakes[2]
    fakes[2].reset()


def member_with_password(create_user, email):
    """A committed CMS member who can log in with ``PASSWORD``."""
    from flask_security.utils import hash_password
    from invenio_db import db

    person = create_user(email, roles=["cms-members@cern.ch"])
    person.user.password = hash_password(PASSWORD)
    db.session.commit()
    return person


@pytest.fixture(scope="module")
def physicist(app, database, create_user, experiment_roles):
    """A CMS member with a password (to log in) and a personal token (``.headers``)."""
    return member_with_password(create_user, "sofia.andersson@cern.ch")


@pytest.fixture(scope="module")
def other_physicist(app, database, create_user, experiment_roles):
    """Another CMS member with a password."""
    return member_with_password(create_user, "bob.other@cern.ch")


@pytest.fixture()
def web(app):
    """A fresh cookie jar; ``web.login(person)`` logs in with the local form."""
    with app.test_client() as client:
        def login(person):
            answer = client.post("/login/", data={"email": person.email, "password": PASSWORD})
            assert answer.status_code == 302, answer.get_data(as_text=True)

        client.login = login
        yield client


@pytest.fixture()
def unlinked(app, database):
    """No linked account is left over from another test."""
    from invenio_accounts.models import UserIdentity
    from invenio_db import db
    from invenio_oauthclient.models import RemoteAccount

    yield
    db.session.rollback()
    for account in RemoteAccount.query.all():
        account.delete()
    UserIdentity.query.delete()
    db.session.commit()


def _start_linking(client, fake, name):
    """``/oauth/login/<name>/`` up to the provider's answer: ``(path, query)`` of the callback."""
    start = client.get(f"/oauth/login/{name}/?next=/account/linked-accounts")
    assert start.status_code == 302, start.get_data(as_text=True)
    authorize = start.headers["Location"]
    assert authorize.startswith(f"{fake.oauth_url}/authorize?")
    query = parse_qs(urlsplit(authorize).query)
    assert set(query) >= {"client_id", "redirect_uri", "state", "response_type"}
    provider = requests.get(authorize, allow_redirects=False, timeout=5)
    assert provider.status_code == 302
    callback = urlsplit(provider.headers["Location"])
    assert callback.path == f"/oauth/authorized/{name}/"
    return callback.path, callback.query


def _link(client, fake, name):
    """The whole dance; the callback's answer."""
    path, query = _start_linking(client, fake, name)
    return client.get(f"{path}?{query}")


@pytest.fixture()
def dance():
    """``dance.link(client, fake, name)``: the whole OAuth dance, the callback's answer;
    ``dance.start(...)``: up to the provider's redirect, ``(path, query)`` of the callback."""
    from types import SimpleNamespace

    return SimpleNamespace(link=_link, start=_start_linking)


@pytest.fixture(scope="module")
def password():
    """The test users' password (a fixture: ``from conftest import`` finds
    whichever conftest module was imported first)."""
    return PASSWORD

