"""Documents generated from our latest deposit schemas (hypothesis-jsonschema)
save, publish and read back equal; legacy-shaped documents of every type too.

Bounded: a few examples per type, so the module runs in seconds.
"""

import copy
import itertools

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from invenio_search import current_search_client
from invenio_search.utils import build_alias_name
from support.legacy_documents import LEGACY_DOCUMENTS
from support.storable import storable

from cap.modules.records.api import user_metadata
from cap.modules.schemas.api import get_schema, validate

TYPES = ["cms-analysis", "cms-stats-questionnaire", "atlas-analysis", "atlas-workflows", "lhcb",
         "alice-analysis", "generic"]
# v2.1.0 opens what the legacy models leave open; the other types stay at v2.0.0.
LATEST = {"atlas-workflows": "2.0.0", "generic": "2.0.0"}
CADI_IDS = (f"GEN-{n // 1000 % 100:02d}-{n % 1000:03d}" for n in itertools.count(1))


def save_publish_read(env, metadata, name):
    """Saved, published and read back: the user's fields, as sent. Top-level
    keys starting with ``_`` are the system's (the API contract ignores them)."""
    identity = env.users.admin.identity  # may create every type and set every field
    deposit = env.service.create(identity, {"$ana_type": name, **copy.deepcopy(metadata)})
    expected = user_metadata(metadata)
    assert env.service.read(identity, deposit.pid).metadata == expected
    published = env.service.publish(identity, deposit.pid)
    assert env.service.read(identity, published.pid).metadata == expected
    assert env.records.read(identity, published.recid).metadata == expected
    return published


@pytest.mark.parametrize("name", TYPES)
def test_generated_documents_save_publish_and_read_back(env, name):
    schema = get_schema(name)
    assert schema.version == LATEST.get(name, "2.1.0")
    # What publishing demands: the record schema (the deposit schema for most types).
    strategy = from_schema(schema.document("record"))

    @settings(max_examples=3, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.data())
    def check(data):
        document = data.draw(strategy)
        assume(storable(document))
        # ``$ana_type`` / ``$schema`` choose the type: the example's own would choose another.
        assume(not any(key.startswith("$") for key in document))
        if name == "cms-analysis" and "cadi_id" in document.get("basic_info", {}):
            # One draft per CADI analysis (cms.cadi.checks): a fresh id for each example.
            document["basic_info"]["cadi_id"] = next(CADI_IDS)
        save_publish_read(env, document, name)

    check()


@pytest.mark.parametrize("name", sorted(LEGACY_DOCUMENTS))
def test_legacy_documents_save_publish_and_are_found_by_title(env, refresh, name):
    metadata = LEGACY_DOCUMENTS[name]
    published = save_publish_read(env, metadata, name)
    refresh()
    for alias in ("deposits", "records"):
        hits = current_search_client.search(index=build_alias_name(alias), body={
            "query": {"match_phrase": {"general_title": metadata["general_title"]}},
        })["hits"]["hits"]
        assert [hit["_source"]["_deposit"]["id"] for hit in hits] == [published.pid], alias


# Where the legacy model of a type leaves an object open (no ``additionalProperties:
# false``; legacy cms-analysis says ``true`` at the top), a legacy document may hold
# fields the model does not define, and our latest version takes them too.
OPEN_IN_LEGACY = [
    ("cms-analysis", {"general_title": "t", "reuse_notes": "kept"}),
    ("cms-analysis", {"basic_info": {"cadi_id": "EXO-20-001", "working_group_note": "x"}}),
    ("cms-analysis", {"basic_info": {"cadi_id": "EXO-20-001"}, "cadi_info": {"hepData": "x"},
                      "input_data": {"data_tier": "AOD", "primary_datasets": [
                          {"path": "/A/B/C", "era": "2016B", "triggers": [
                              {"trigger": "HLT_Mu17_v3", "version": 3}]}]}}),
    ("atlas-analysis", {"basic_info": {"analysis_title": "t", "glance_id": "1", "group": "SUSY",
                                       "people_info": [{"name": "Kim", "role": "contact"}]},
                        "glance_info": {"leading_group": "SUSY"}, "recast": {"done": True},
                        "workflows": [{"workflow_title": "w", "notes": "n"}]}),
    ("lhcb", {"basic_info": {"analysis_title": "gamma", "wg": "B2OC",
                             "reviewers": [{"name": "Tom", "institute": "CERN"}]}}),
    ("alice-analysis", {"basic_info": {"analysis_title": "flow", "train_note": "LEGO"}}),
    ("cms-stats-questionnaire", {"discovery": {"notes": "n"}, "unfolding": {"notes": "n"}}),
    # Free strings in legacy: a dataset path DAS does not spell, an ATLAS data type.
    ("cms-analysis", {"basic_info": {"cadi_id": "EXO-20-001"},
                      "input_data": {"primary_datasets": [{"path": "SingleMuon 2016B"}]}}),
    ("atlas-analysis", {"basic_info": {"analysis_title": "t", "glance_id": "1"},
                        "input_datasets": [{"type": "Monte Carlo"}]}),
]


@pytest.mark.parametrize(("name", "document"), OPEN_IN_LEGACY)
def test_what_legacy_leaves_open_publishes(env, name, document):
    schema = get_schema(name)
    assert validate(schema, document, kind="record", full=True) == []
    # v2.0.0 closed them: the reason for v2.1.0.
    assert validate(get_schema(name, "2.0.0"), document, kind="record", full=True) != []
