"""HTTP: a record's exports by ``Accept`` and by ``?format=``; search as CSV."""

import csv
import io
import json

import bibtexparser
import pytest
from datacite import schema45
from invenio_db import db
from lxml import etree

EXPORTS = [
    ("bibtex", "application/x-bibtex"),
    ("datacite-json", "application/vnd.datacite.datacite+json"),
    ("datacite-xml", "application/vnd.datacite.datacite+xml"),
    ("json-ld", "application/ld+json"),
    ("dublincore", "application/x-dc+xml"),
    ("csl", "application/vnd.citationstyles.csl+json"),
    ("marcxml", "application/marcxml+xml"),
]


@pytest.fixture
def published(client, env, complete):
    owner = env.users.owner
    metadata = {**complete, "related_identifiers": [
        {"identifier": "2004.14060", "scheme": "arxiv", "relation": "references"}]}
    deposit = env.service.create(owner.identity, {"$ana_type": "generic", **metadata})
    db.session.commit()
    answer = client.post(f"/deposits/{deposit.pid}/actions/publish", headers=owner.headers)
    assert answer.status_code == 202, answer.json
    return answer.json


@pytest.mark.parametrize(("name", "mimetype"), EXPORTS)
def test_each_export_by_accept_and_by_format(client, env, published, name, mimetype):
    recid = published["recid"]
    headers = env.users.atlas.headers  # experiment-free records: every user reads them
    by_accept = client.get(f"/records/{recid}", headers={**headers, "Accept": mimetype})
    assert by_accept.status_code == 200
    assert by_accept.mimetype == mimetype
    by_format = client.get(f"/records/{recid}?format={name}", headers=headers)
    assert by_format.status_code == 200 and by_format.mimetype == mimetype
    assert by_format.data == by_accept.data
    assert recid in by_format.get_data(as_text=True)


def test_export_contents(client, env, published, complete):
    recid = published["recid"]
    headers = env.users.owner.headers

    def get(name):
        return client.get(f"/records/{recid}?format={name}", headers=headers)

    datacite = get("datacite-json").json
    assert schema45.validate(datacite)
    assert datacite["titles"] == [{"title": complete["title"]}]
    assert datacite["publisher"] == {"name": "CERN Analysis Preservation"}
    assert datacite["relatedIdentifiers"][0]["relatedIdentifierType"] == "arXiv"
    assert datacite["url"].endswith(f"/published/{recid}")
    entry = bibtexparser.parse_string(get("bibtex").get_data(as_text=True)).entries[0]
    assert entry.key == recid and entry["author"] == "Andersson, Sofia"
    dc = etree.fromstring(get("dublincore").data)
    assert dc.findtext("{http://purl.org/dc/elements/1.1/}title") == complete["title"]
    assert json.loads(get("csl").data)[0]["id"] == recid


def test_each_export_of_a_published_record_validates(client, env, published, oai_dc_errors,
                                                     csl_errors, schemaorg_errors,
                                                     marc21_errors):
    """What the API answers, against each format's schema (DataCite: test_formats)."""
    recid = published["recid"]

    def get(name):
        answer = client.get(f"/records/{recid}?format={name}", headers=env.users.owner.headers)
        assert answer.status_code == 200
        return answer.data

    assert oai_dc_errors(etree.fromstring(get("dublincore"))) == []
    assert csl_errors(json.loads(get("csl"))) == []
    assert schemaorg_errors(json.loads(get("json-ld"))) == []
    assert marc21_errors(etree.fromstring(get("marcxml"))) == []


def test_bad_format_and_access(client, env, published):
    recid = published["recid"]
    u = env.users
    answer = client.get(f"/records/{recid}?format=docx", headers=u.owner.headers)
    assert answer.status_code == 400
    assert answer.json["errors"][0]["field"] == ["format"]
    assert "bibtex" in answer.json["errors"][0]["message"]
    assert client.get(f"/records/{recid}?format=bibtex").status_code == 401
    assert client.get("/records/CAP.NOPE.NOPE?format=bibtex",
                      headers=u.owner.headers).status_code == 404
    json_answer = client.get(f"/records/{recid}?format=json", headers=u.owner.headers)
    assert json_answer.json["recid"] == recid


def test_cms_record_exports_stay_with_the_collaboration(client, env, example):
    u = env.users
    metadata = example("cms-analysis")
    metadata.pop("cadi_info")  # protected: filled from CADI only
    deposit = env.service.create(u.owner.identity, {"$ana_type": "cms-analysis", **metadata})
    db.session.commit()
    answer = client.post(f"/deposits/{deposit.pid}/actions/publish", headers=u.owner.headers)
    assert answer.status_code == 202, answer.json
    recid = answer.json["recid"]
    mine = client.get(f"/records/{recid}?format=marcxml", headers=u.colleague.headers)
    assert mine.status_code == 200
    root = etree.fromstring(mine.data)
    marc = "{http://www.loc.gov/MARC21/slim}"
    authors = root.findall(f"{marc}datafield[@tag='100']") + root.findall(
        f"{marc}datafield[@tag='700']")
    assert len(authors) == len(metadata["basic_info"]["people_info"])
    assert client.get(f"/records/{recid}?format=marcxml",
                      headers=u.atlas.headers).status_code == 404


def test_search_as_csv_by_format(client, env, published, refresh):
    refresh()
    answer = client.get("/records/?format=csv", headers=env.users.owner.headers)
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    assert [row["recid"] for row in rows] == [published["recid"]]
    bad = client.get("/records/?format=bibtex", headers=env.users.owner.headers)
    assert bad.status_code == 400 and bad.json["errors"][0]["field"] == ["format"]
