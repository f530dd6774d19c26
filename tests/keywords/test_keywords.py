"""Analysis keywords: CSV harvest, index swap, search for CMS members."""

import json
from pathlib import Path

import pytest
from invenio_search import current_search_client

from cap.modules.core.errors import InvalidRequestError, UpstreamUnavailableError
from cap.modules.keywords.client import parse_csv
from cap.modules.keywords.index import alias_name
from cap.modules.keywords.service import harvest_keywords
from cap.modules.schemas.api import get_schema, schema_url

SCHEMAS = Path(__file__).parents[2] / "cap" / "jsonschemas"


def test_parse_csv_loose_headers_and_bad_rows():
    text = (
        "\ufeffName,Group,Definition\n"
        "dark matter,Physics theme,DM searches\n"
        ",Final state,no keyword here\n"
        "Dark  Matter,Physics theme,duplicate\n"
        "\n"
        "diphoton,Final state\n"
    )
    keywords, problems = parse_csv(text)
    assert keywords == [
        {"keyword": "dark matter", "category": "Physics theme", "description": "DM searches"},
        {"keyword": "diphoton", "category": "Final state"},
    ]
    assert problems == ["line 3: no keyword", "line 4: duplicate keyword 'Dark Matter'"]


def test_parse_csv_without_keyword_column():
    with pytest.raises(InvalidRequestError, match="no Keyword column"):
        parse_csv("Foo,Bar\n1,2\n")


def test_harvest_and_search(client, sheet, users):
    load = harvest_keywords()
    assert load.indexed == 23 and load.problems == []
    answer = client.get("/cms/keywords?query=hig", headers=users.owner.headers)
    assert answer.status_code == 200
    names = [hit["keyword"] for hit in answer.json["hits"]]
    assert names[:2] == ["Higgs boson", "Higgs boson pair"] or set(names) >= {
        "Higgs boson", "Higgs boson pair"
    }
    assert "dark matter" not in names
    hit = answer.json["hits"][0]
    assert hit["category"] == "Physics theme"
    assert hit["links"]["analyses"].endswith("?q=keyword%3D%22Higgs%20boson%22")
    answer = client.get("/cms/keywords?query=dark%20mat", headers=users.owner.headers)
    assert [h["keyword"] for h in answer.json["hits"]][0] == "dark matter"
    answer = client.get("/cms/keywords?size=5", headers=users.owner.headers)
    assert answer.json["total"] == 23 and len(answer.json["hits"]) == 5
    answer = client.get(
        "/cms/keywords?category=Final%20state", headers=users.owner.headers
    )
    assert {h["category"] for h in answer.json["hits"]} == {"Final state"}


def test_reload_replaces_the_list_atomically(client, sheet, users):
    harvest_keywords()
    sheet.keywords_csv = "Keyword,Category\nflavour anomalies,Physics theme\n"
    harvest_keywords()
    behind = current_search_client.indices.get_alias(name=alias_name())
    assert len(behind) == 1
    answer = client.get("/cms/keywords", headers=users.owner.headers)
    assert [h["keyword"] for h in answer.json["hits"]] == ["flavour anomalies"]


def test_empty_or_down_sheet_keeps_the_index(client, sheet, users):
    harvest_keywords()
    sheet.keywords_csv = "Keyword\n\n"
    with pytest.raises(InvalidRequestError):
        harvest_keywords()
    sheet.mode = "down"
    with pytest.raises(UpstreamUnavailableError):
        harvest_keywords()
    answer = client.get("/cms/keywords?size=50", headers=users.owner.headers)
    assert answer.json["total"] == 23


@pytest.mark.parametrize("who, status", [("atlas", 403), ("stranger", 403), ("anonymous", 401)])
def test_cms_members_only(client, sheet, users, who, status):
    headers = getattr(getattr(users, who), "headers", {})
    assert client.get("/cms/keywords?query=hig", headers=headers).status_code == status


@pytest.mark.parametrize("size", ["500", "0", "x", ""])
def test_bad_size_names_the_field(client, sheet, users, size):
    """An empty size too (scripts/fuzz: ``?size=`` answered 200 with the default)."""
    answer = client.get(f"/cms/keywords?size={size}", headers=users.owner.headers)
    assert answer.status_code == 400 and answer.json["errors"][0]["field"] == ["size"]


def test_no_index_yet_is_an_empty_answer(client, sheet, users):
    answer = client.get("/cms/keywords?query=x", headers=users.owner.headers)
    assert answer.status_code == 200 and answer.json == {"hits": [], "total": 0}


def test_cli_from_file(app, sheet):
    from click.testing import CliRunner
    from flask.cli import ScriptInfo

    from cap.modules.keywords.cli import sync_keywords

    runner = CliRunner()
    result = runner.invoke(
        sync_keywords,
        ["--from-file", app.config["CAP_KEYWORDS_DEMO_FILE"]],
        obj=ScriptInfo(create_app=lambda *a, **k: app),
    )
    assert result.exit_code == 0, result.output
    assert "23 keywords indexed" in result.output


def test_keyword_links_to_the_analyses_using_it(client, sheet, env, users, refresh):
    harvest_keywords()
    # v1.1.0: flat analysis_keywords (v2.0.0 files them by category, as legacy CAP did)
    metadata = {
        "$schema": schema_url(get_schema("cms-analysis", "1.1.0")),
        "basic_info": {"analysis_title": "DM + H(bb)", "analysis_keywords": ["dark matter"]},
    }
    draft = env.service.create(users.owner.identity, metadata)
    env.service.create(users.owner.identity, {"$ana_type": "cms-analysis"})
    hit = client.get("/cms/keywords?query=dark", headers=users.owner.headers).json["hits"][0]
    link = hit["links"]["analyses"]
    assert link.startswith("http://127.0.0.1:5000/api/deposits/?q=")
    refresh()
    answer = client.get(link[len("http://127.0.0.1:5000/api"):], headers=users.owner.headers)
    assert answer.status_code == 200, answer.json
    assert [h["id"] for h in answer.json["hits"]["hits"]] == [draft.pid]


def test_keywords_filed_by_category_are_found(client, sheet, env, users, refresh):
    """cms-analysis v2.0.0 files keywords by category (legacy model): the
    ``keyword=`` term and a keyword's analyses link see every category."""
    sheet.keywords_csv = (
        'Keyword,Category\nStandard Model,Physics theme\n"Jets: 2 jets",Final state\n'
    )
    harvest_keywords()
    example = json.loads((SCHEMAS / "cms-analysis" / "v2.0.0" / "example.json").read_text())
    example["basic_info"].pop("cadi_id", None)  # one draft per CADI id: not needed here
    example.pop("cadi_info", None)  # conveners only
    example["basic_info"]["analysis_keywords"] = {
        "physics_theme": ["Standard Model"], "final_states": ["Jets: 2 jets"],
    }
    draft = env.service.create(users.owner.identity, {"$ana_type": "cms-analysis", **example})
    env.service.create(users.owner.identity, {"$ana_type": "cms-analysis"})
    refresh()
    for query, category in (("standard", "physics_theme"), ("jets", "final_states")):
        hit = client.get(f"/cms/keywords?query={query}", headers=users.owner.headers).json
        link = hit["hits"][0]["links"]["analyses"]
        answer = client.get(link[len("http://127.0.0.1:5000/api"):], headers=users.owner.headers)
        assert answer.status_code == 200, answer.json
        assert [h["id"] for h in answer.json["hits"]["hits"]] == [draft.pid], category
    answer = client.get("/deposits/", query_string={"q": 'keyword="Standard Model"'},
                        headers=users.owner.headers)
    assert answer.status_code == 200, answer.json
    assert [h["id"] for h in answer.json["hits"]["hits"]] == [draft.pid]
