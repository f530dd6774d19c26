"""Facets are labelled with their field's title in the schema, not their key."""

from cap.modules.records.services.search import field_title

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
