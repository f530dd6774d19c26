"""What search caches stays right: schema names and options, schema grants, bad queries.

Search answers take schema names and search options from a per-process
cache checked against the schema table once per request, and schema-level
grants from ACCESS_CACHE; ``q`` is checked by the search itself.
"""

import json

import pytest
from invenio_db import db
from sqlalchemy import text

from cap.modules.access.cli import access
from cap.modules.schemas.api import get_schema


def generic(env, user, title):
    draft = env.service.create(
        user.identity,
        {"$ana_type": "generic", "title": title, "keywords": ["caches"]},
    )
    db.session.commit()
    return draft


def search(client, user, path="/deposits/", **args):
    return client.get(path, query_string=args, headers=user.headers)


def hit_ids(answer):
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return {hit["id"] for hit in answer.json["hits"]["hits"]}


@pytest.fixture
def generic_schema(env):
    """The latest generic schema; its fullname and config restored afterwards."""
    schema = get_schema("generic")
    fullname, config = schema.fullname, json.loads(json.dumps(schema.config))
    yield schema
    db.session.rollback()
    schema = get_schema("generic")
    schema.fullname, schema.config = fullname, config
    db.session.commit()


def test_renamed_schema_is_seen_by_the_next_search(client, env, refresh, generic_schema):
    u = env.users
    generic(env, u.owner, "Renamed schema")
    refresh()
    before = search(client, u.owner)
    assert {h["schema"]["fullname"] for h in before.json["hits"]["hits"]} == {
        generic_schema.fullname}
    answer = client.patch(
        f"/jsonschemas/generic/{generic_schema.version}", headers=u.admin.headers,
        data=json.dumps({"fullname": "Generic, renamed"}),
    )
    assert answer.status_code == 200, answer.json
    after = search(client, u.owner)
    assert [h["schema"]["fullname"] for h in after.json["hits"]["hits"]] == ["Generic, renamed"]


def test_schema_changed_by_another_process_is_seen(client, env, refresh, generic_schema):
    """A change no event of this process saw (raw SQL, as another worker's commit)."""
    u = env.users
    generic(env, u.owner, "Changed elsewhere")
    refresh()
    assert search(client, u.owner).json["hits"]["hits"][0]["schema"]["fullname"] == \
        generic_schema.fullname
    db.session.execute(
        text("UPDATE cap_schemas SET fullname = 'From elsewhere', updated = now() "
             "WHERE id = :id"), {"id": generic_schema.id})
    db.session.commit()
    db.session.expire_all()
    answer = search(client, u.owner)
    assert answer.json["hits"]["hits"][0]["schema"]["fullname"] == "From elsewhere"


def test_schema_stamp_is_read_once_per_search(client, env, refresh, recorded_statements):
    """A token's search reads the schema table's stamp once, in a statement
    of its own (the token look-up reads only the token's tables)."""
    generic(env, env.users.owner, "Stamped")
    refresh()
    assert len(hit_ids(search(client, env.users.owner))) == 1
    with recorded_statements() as seen:
        assert len(hit_ids(search(client, env.users.owner))) == 1
    naming_schemas = [statement for statement in seen if "cap_schemas" in statement]
    assert len(naming_schemas) == 1
    assert "oauth2server_token" not in naming_schemas[0]


def test_new_sort_option_is_accepted_at_once(client, env, refresh, generic_schema):
    u = env.users
    generic(env, u.owner, "Sorted")
    refresh()
    refused = search(client, u.owner, sort="by-title")
    assert refused.status_code == 400
    assert refused.json["errors"][0]["field"] == ["sort"]
    config = {**generic_schema.config,
              "sort_options": {"by-title": {"fields": ["title.raw"], "title": "Title"}}}
    answer = client.patch(
        f"/jsonschemas/generic/{generic_schema.version}", headers=u.admin.headers,
        data=json.dumps({"config": config}),
    )
    assert answer.status_code == 200, answer.json
    assert hit_ids(search(client, u.owner, sort="by-title"))


def test_schema_grant_and_removal_are_seen_by_search(client, env, refresh, cli_runner):
    u = env.users
    draft = generic(env, u.owner, "Shared with a schema grant")
    refresh()
    assert hit_ids(search(client, u.stranger)) == set()  # grants cached as "none"
    args = ("deposit-schema-read", "--argument", "generic", "--email", u.stranger.email)
    result = cli_runner(access, None, "allow", *args)
    assert result.exit_code == 0, result.output
    assert hit_ids(search(client, u.stranger)) == {draft.pid}
    result = cli_runner(access, None, "deny", *args)
    assert result.exit_code == 0, result.output
    assert hit_ids(search(client, u.stranger)) == set()


def test_role_grant_through_the_implying_action_is_seen(client, env, refresh, cli_runner):
    """``deposit-schema-update`` implies read: its row change drops its own cache entry."""
    u = env.users
    draft = generic(env, u.colleague, "Updatable by ATLAS")
    refresh()
    assert hit_ids(search(client, u.atlas)) == set()
    args = ("deposit-schema-update", "--argument", "generic",
            "--role", "atlas-active-members-all@cern.ch")
    assert cli_runner(access, None, "allow", *args).exit_code == 0
    assert hit_ids(search(client, u.atlas)) == {draft.pid}
    assert cli_runner(access, None, "deny", *args).exit_code == 0
    assert hit_ids(search(client, u.atlas)) == set()


@pytest.mark.parametrize("path", ["/deposits/", "/records/"])
@pytest.mark.parametrize("args", [
    {"q": "("},
    {"q": "title:(unclosed", "sort": "mostrecent"},
    {"q": "title:(unclosed", "collection": "generic"},
])
def test_bad_query_is_400_whoever_asks(client, env, refresh, path, args):
    """Also for a user who may see nothing (no shard parses the query then)."""
    u = env.users
    generic(env, u.owner, "Something to find")
    refresh()
    for user in (u.owner, u.stranger):
        answer = search(client, user, path, **args)
        assert answer.status_code == 400, (user.email, answer.get_data(as_text=True))
        assert answer.json["errors"][0]["field"] == ["q"]
        assert "not valid" in answer.json["message"]


def test_good_query_without_hits_is_200(client, env, refresh):
    u = env.users
    generic(env, u.owner, "Something to find")
    refresh()
    assert hit_ids(search(client, u.stranger, q="something")) == set()
    assert hit_ids(search(client, u.owner, q="nothing-like-this")) == set()
    assert len(hit_ids(search(client, u.owner, q="something"))) == 1


def test_user_queries_do_not_grow_with_the_page(client, env, refresh, recorded_statements):
    """Creators and grantees of every hit are looked up together; no grant rows read."""
    u = env.users
    creators = [u.owner, u.colleague, u.atlas, u.stranger]
    for i, creator in enumerate(creators):
        generic(env, creator, f"Page {i}")
    refresh()
    search(client, u.admin)  # warm: schema stamp, cached grants

    def statements(size):
        with recorded_statements() as seen:
            answer = search(client, u.admin, size=size)
        assert len(hit_ids(answer)) == size
        emails = {hit["created_by"]["email"] for hit in answer.json["hits"]["hits"]}
        return seen, emails

    (one, _), (four, emails) = statements(1), statements(len(creators))
    assert emails == {creator.email for creator in creators}
    assert sum("accounts_user" in s for s in four) == sum("accounts_user" in s for s in one)
    assert not any("access_actions" in s for s in four)


def test_draft_files_are_listed_for_the_page_at_once(client, env, refresh, add_file,
                                                    recorded_statements):
    """Each draft hit lists its own files (read from the database: uploads do
    not reindex a draft), with a number of queries that does not grow with
    the page."""
    owner = env.users.owner
    for i in range(4):
        draft = generic(env, owner, f"Files {i}")
        add_file(draft, f"data-{i}.root", b"x" * (i + 1))
        add_file(draft, "README.md", b"notes")
    refresh()
    search(client, owner, size=4)  # warm: schema stamp, cached grants

    def files_statements(size):
        with recorded_statements() as seen:
            answer = search(client, owner, size=size, sort="title")
        assert len(hit_ids(answer)) == size
        listed = {
            hit["metadata"]["title"]: [(f["key"], f["size"]) for f in hit["files"]]
            for hit in answer.json["hits"]["hits"]
        }
        return sum("files_object" in s for s in seen), listed

    (one, _), (four, listed) = files_statements(1), files_statements(4)
    assert four == one
    assert listed == {
        f"Files {i}": [("README.md", 5), (f"data-{i}.root", i + 1)] for i in range(4)
    }


def test_bad_query_is_refused_even_where_no_shard_parses_it(env, refresh):
    """An identity that may see nothing: the filter rewrites to "match none" on
    every shard, so no shard parses ``q``; still a 400-kind error, not empty."""
    from flask_principal import Identity
    from invenio_access.permissions import authenticated_user

    from cap.modules.core.errors import InvalidRequestError

    generic(env, env.users.owner, "Something to find")
    refresh()
    nobody = Identity("no-user-id")
    nobody.provides.add(authenticated_user)
    assert env.service.search(nobody, {"q": "something"}).total == 0
    with pytest.raises(InvalidRequestError) as error:
        env.service.search(nobody, {"q": "title:(unclosed"})
    assert error.value.errors[0]["field"] == ["q"]
