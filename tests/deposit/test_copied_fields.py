"""``x-cap-copy`` / ``x-cap-copyto``: a draft save copies the marked fields' values (issue 14).

The definition is our own, in the legacy format: each copying field names
the document paths its value goes to, in ``x-cap-order`` order. A scalar
replaces the target, a list is added to a list target without duplicates, an
object is deep-merged into an object target, a missing parent is created;
the copies are validated and indexed like the rest of the draft.
"""

import pytest
from invenio_search import current_search_client

from cap.modules.core.errors import ValidationError
from cap.modules.schemas import api as schemas_api


def copy_to(*paths, order=None):
    rule = {"path": [list(path) for path in paths]}
    return {**rule, "x-cap-order": order} if order is not None else rule


STRING = {"type": "string"}
STRINGS = {"type": "array", "items": STRING}

DEFINITION = {
    "name": "copying-test",
    "version": "0.0.1",
    "fullname": "Copied fields",
    "experiment": "CMS",
    "is_indexed": True,
    "use_deposit_as_record": True,
    "deposit_schema": {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "general_title": STRING,
            "basic_info": {
                "type": "object",
                "properties": {
                    "analysis_title": {
                        **STRING, "x-cap-copy": copy_to(["general_title"], ["summary", "title"]),
                    },
                    "keywords": {**STRINGS, "x-cap-copy": copy_to(["all_keywords"])},
                    "contact": {
                        "type": "object",
                        "properties": {"name": STRING, "email": STRING},
                        "x-cap-copyto": copy_to(["people", "main"]),
                    },
                    "code": {**STRING, "x-cap-copy": copy_to(["short_code"])},
                },
            },
            "summary": {"type": "object", "properties": {"title": STRING}},
            "all_keywords": STRINGS,
            "people": {
                "type": "object",
                "properties": {
                    "main": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {"name": STRING, "email": STRING, "orcid": STRING},
                    },
                },
            },
            "short_code": {**STRING, "maxLength": 5},
            "first": {**STRING, "x-cap-copy": copy_to(["winner"], order=2)},
            "second": {**STRING, "x-cap-copy": copy_to(["winner"], order=1)},
            "third": {**STRING, "x-cap-copy": copy_to(["winner"])},
            "winner": STRING,
            "misplaced": {**STRING, "x-cap-copy": copy_to(["general_title", "part"])},
        },
    },
    "deposit_mapping": {
        "mappings": {"properties": {"summary": {"properties": {"title": {"type": "text"}}}}},
    },
    "deposit_options": {},
}


@pytest.fixture
def copying(env):
    """The definition, loaded with its indexes."""
    schema, _ = schemas_api.load_definitions([schemas_api.load_definition(DEFINITION)])[0]
    schemas_api.create_indexes(schema)
    yield schema
    schemas_api.delete_indexes(schema)


def save(env, metadata, pid=None):
    """Create (or update ``pid``) as the owner; the stored metadata."""
    identity = env.users.owner.identity
    if pid is None:
        pid = env.service.create(identity, {"$ana_type": "copying-test", **metadata}).pid
    else:
        env.service.update(identity, pid, metadata)
    return pid, env.service.read(identity, pid).metadata


def test_a_scalar_replaces_the_target_and_creates_a_missing_parent(env, copying):
    pid, stored = save(env, {"general_title": "Old", "basic_info": {"analysis_title": "Dimuons"}})
    assert stored["general_title"] == "Dimuons"
    assert stored["summary"] == {"title": "Dimuons"}  # no "summary" was sent
    _, stored = save(env, {**stored, "basic_info": {"analysis_title": "Dielectrons"}}, pid)
    assert stored["general_title"] == "Dielectrons"
    assert stored["summary"] == {"title": "Dielectrons"}


def test_a_list_is_added_to_a_list_without_duplicates(env, copying):
    _, stored = save(env, {
        "all_keywords": ["muon", "13 TeV"], "basic_info": {"keywords": ["13 TeV", "resonance"]},
    })
    assert stored["all_keywords"] == ["muon", "13 TeV", "resonance"]
    # An empty target takes the value as it is.
    _, stored = save(env, {"all_keywords": [], "basic_info": {"keywords": ["b", "a"]}})
    assert stored["all_keywords"] == ["b", "a"]


def test_an_object_is_deep_merged_into_an_object(env, copying):
    _, stored = save(env, {
        "people": {"main": {"name": "A. Lovelace", "orcid": "0000-0002-1825-0097"}},
        "basic_info": {"contact": {"name": "Ada Lovelace", "email": "ada@cern.ch"}},
    })
    assert stored["people"]["main"] == {
        "name": "Ada Lovelace", "email": "ada@cern.ch", "orcid": "0000-0002-1825-0097",
    }


def test_copies_run_in_x_cap_order_unordered_last(env, copying):
    # Into one target: order 1 ("second"), then 2 ("first"), then the unordered "third".
    _, stored = save(env, {"first": "one", "second": "two"})
    assert stored["winner"] == "one"
    _, stored = save(env, {"first": "one", "second": "two", "third": "three"})
    assert stored["winner"] == "three"
    _, stored = save(env, {"second": "two", "winner": "mine"})
    assert stored["winner"] == "two"


def test_the_copied_value_is_validated(env, copying):
    # short_code allows 5 characters: the copy of a longer code is refused, naming it.
    with pytest.raises(ValidationError) as refused:
        save(env, {"basic_info": {"code": "ABCDEFG"}})
    assert [error["field"] for error in refused.value.errors] == [["short_code"]]
    _, stored = save(env, {"basic_info": {"code": "ABC"}})
    assert stored["short_code"] == "ABC"


def test_a_target_below_a_value_that_is_no_object_is_refused(env, copying):
    with pytest.raises(ValidationError) as refused:
        save(env, {"general_title": "T", "misplaced": "x"})
    assert [error["field"] for error in refused.value.errors] == [["general_title"]]
    assert "misplaced" in refused.value.errors[0]["message"]


def test_the_copied_value_is_searchable(env, copying, refresh):
    _, stored = save(env, {"basic_info": {"analysis_title": "Long-lived dark photons"}})
    refresh()
    hits = current_search_client.search(index=schemas_api.index_names(copying)[0], body={
        "query": {"match_phrase": {"summary.title": "dark photons"}},
    })["hits"]["hits"]
    assert [hit["_source"]["summary"] for hit in hits] == [{"title": "Long-lived dark photons"}]
