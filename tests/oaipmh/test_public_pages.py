"""The page of a record opened to the world carries its citation for anyone
(citation_* tags, schema.org JSON-LD); any other record's page stays closed."""

import json

import requests
from lxml import html


def test_opened_record_page_embeds_its_citation(published):
    recid = next(iter(sorted(published.opened)))
    answer = requests.get(f"{published.url}/published/{recid}", allow_redirects=False)
    assert answer.status_code == 200
    page = html.fromstring(answer.content)
    meta = {}
    for tag in page.xpath("//head/meta[@name]"):
        meta.setdefault(tag.get("name"), []).append(tag.get("content"))
    assert meta["citation_technical_report_number"] == [recid]
    assert meta["citation_publisher"] == ["CERN Analysis Preservation"]
    assert meta["citation_publication_date"][0].count("/") == 2
    assert meta["citation_title"][0] == page.xpath("//h1/text()")[0]
    assert meta["citation_author"]
    (script,) = page.xpath("//head/script[@type='application/ld+json']/text()")
    json_ld = json.loads(script)
    assert json_ld["@type"] == "Dataset" and json_ld["@id"].endswith(f"/published/{recid}")
    assert json_ld["name"] == meta["citation_title"][0]


def test_closed_record_page_asks_for_a_login(published):
    for recid in (*published.closed, "CAP.NOPE.NOPE"):
        answer = requests.get(f"{published.url}/published/{recid}", allow_redirects=False)
        assert answer.status_code == 302 and "/login" in answer.headers["Location"]
        assert b"citation_title" not in answer.content
