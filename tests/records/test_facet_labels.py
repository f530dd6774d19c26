"""Facets are labelled with their field's title in the schema, not their key,
and their values with the names the form gives them."""

from cap.modules.records.services.search import enum_labels, field_title

SCHEMA = {
    "type": "object",
    "properties": {
        "basic_info": {
            "type": "object",
            "properties": {"wg": {"type": "string", "title": "Working group"}},
        },
        "datasets": {
            "type": "array",
            "items": {"type": "object", "properties": {
                "year": {"type": "integer", "title": "Year of data taking"},
                "untitled": {"type": "string"},
                "objects": {"type": "array", "items": {"type": "string", "enum": ["mu", "e"]}},
            }},
        },
    },
}


def test_the_title_is_found_through_objects_and_arrays():
    assert field_title(SCHEMA, "basic_info.wg") == "Working group"
    assert field_title(SCHEMA, "datasets.year") == "Year of data taking"
    assert field_title(SCHEMA, "datasets.untitled") is None
    assert field_title(SCHEMA, "datasets.year.keyword") is None
    assert field_title(SCHEMA, "nowhere") is None


def test_search_answers_label_facets_from_the_schema(client, users, schemas):
    answer = client.get("/deposits/?size=1", headers=users.owner.headers)
    assert answer.status_code == 200
    aggregations = answer.json["aggregations"]
    assert aggregations["experiment"]["label"] == "Experiment"
    assert aggregations["collection"]["label"] == "Type"
    # cms-analysis: config facet cms_working_group on basic_info.cms_working_group.
    assert aggregations["cms_working_group"]["label"] == "Working group"


def test_value_names_come_from_the_form_options_through_arrays():
    names = {"ui:enumNames": ["Muon", "Electron"]}
    options = {"datasets": {"items": {"objects": {"items": names}}}}
    assert enum_labels(SCHEMA, options, "datasets.objects") == {"mu": "Muon", "e": "Electron"}
    assert enum_labels(SCHEMA, {}, "datasets.objects") == {}  # the form names none
    assert enum_labels(SCHEMA, options, "basic_info.wg") == {}  # no enum
    assert enum_labels(SCHEMA, options, "nowhere") == {}


def test_search_answers_name_facet_values(client, env, refresh):
    owner = env.users.owner
    env.service.create(owner.identity, {
        "$ana_type": "cms-analysis", "general_title": "Named facet values",
        "basic_info": {"cms_working_group": "HIG"},
    })
    refresh()
    answer = client.get("/deposits/", query_string={"q": '"Named facet values"'},
                        headers=owner.headers)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    aggregations = answer.json["aggregations"]
    assert aggregations["cms_working_group"]["buckets"] == [
        {"key": "HIG", "doc_count": 1, "label": "HIG – Higgs Physics"}]
    assert aggregations["collection"]["buckets"] == [
        {"key": "cms-analysis", "doc_count": 1, "label": "CMS Analysis"}]
    # A value nothing names keeps its key only.
    assert aggregations["collection_version"]["buckets"] == [{"key": "2.1.0", "doc_count": 1}]
