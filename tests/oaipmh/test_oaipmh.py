"""OAI-PMH harvested with Sickle (a real harvester) from a served instance:
opened records only, every page, both formats, and the protocol's errors."""

import requests
from lxml import etree
from sickle import Sickle
from sickle.oaiexceptions import IdDoesNotExist, NoRecordsMatch

NAMESPACE = "analysispreservation.cern.ch"
OAI = {"oai": "http://www.openarchives.org/OAI/2.0/"}


def oai_id(recid):
    return f"oai:{NAMESPACE}:{recid}"


def harvester(published):
    return Sickle(f"{published.url}/oai2d", max_retries=0, timeout=10)


def test_identify_formats_and_sets(published):
    sickle = harvester(published)
    identify = sickle.Identify()
    assert identify.repositoryName == "CERN Analysis Preservation"
    assert identify.baseURL == f"{published.url}/oai2d"
    assert identify.protocolVersion == "2.0"
    assert identify.granularity == "YYYY-MM-DDThh:mm:ssZ"
    assert identify.earliestDatestamp.startswith("20")
    assert [f.metadataPrefix for f in sickle.ListMetadataFormats()] == ["oai_dc", "datacite"]
    assert {s.setSpec: s.setName for s in sickle.ListSets()} == {
        "alice": "ALICE Collaboration", "atlas": "ATLAS Collaboration",
        "cms": "CMS Collaboration", "lhcb": "LHCb Collaboration",
        # The deposit types whose records may be opened, under the set of types.
        "type": "Deposit types (collections)", "type:cms-analysis": "CMS Analysis",
        "type:generic": "Generic analysis"}


def test_list_records_harvests_every_opened_record_and_nothing_else(published):
    """Four opened records on pages of two: the harvester follows the tokens."""
    records = list(harvester(published).ListRecords(metadataPrefix="oai_dc"))
    identifiers = [r.header.identifier for r in records]
    assert sorted(identifiers) == sorted(oai_id(recid) for recid in published.opened)
    assert len(identifiers) == len(set(identifiers)) == 4
    for closed in published.closed:
        assert oai_id(closed) not in identifiers
    titles = {r.metadata["title"][0] for r in records}
    assert {"Recasting dark matter", "Second", "Another CMS analysis"} <= titles
    cms = [r for r in records if r.header.setSpecs == ["cms", "type:cms-analysis"]]
    assert len(cms) == 2 and all(r.metadata["creator"] for r in cms)
    assert records[0].header.datestamp.endswith("Z")


def test_resumption_tokens_carry_size_and_cursor(published):
    first = requests.get(f"{published.url}/oai2d",
                         params={"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"})
    root = etree.fromstring(first.content)
    token = root.find(".//oai:resumptionToken", OAI)
    assert token.get("completeListSize") == "4" and token.get("cursor") == "0"
    assert len(root.findall(".//oai:header", OAI)) == 2
    second = etree.fromstring(requests.get(f"{published.url}/oai2d", params={
        "verb": "ListIdentifiers", "resumptionToken": token.text}).content)
    token2 = second.find(".//oai:resumptionToken", OAI)
    assert token2.get("cursor") == "2" and not token2.text  # the last page: empty token
    seen = {h.text for h in root.findall(".//oai:identifier", OAI)} | {
        h.text for h in second.findall(".//oai:identifier", OAI)}
    assert seen == {oai_id(recid) for recid in published.opened}


def test_sets_and_dates_select(published):
    sickle = harvester(published)
    cms = list(sickle.ListIdentifiers(metadataPrefix="oai_dc", set="cms"))
    assert len(cms) == 2 and all(h.setSpecs == ["cms", "type:cms-analysis"] for h in cms)
    try:
        list(sickle.ListIdentifiers(metadataPrefix="oai_dc", set="atlas"))
        raise AssertionError("the closed ATLAS record was harvested")
    except NoRecordsMatch:
        pass
    everything = list(sickle.ListIdentifiers(metadataPrefix="oai_dc", **{"from": "2000-01-01"}))
    assert len(everything) == 4
    try:
        list(sickle.ListIdentifiers(metadataPrefix="oai_dc", until="2000-01-01"))
        raise AssertionError("records updated before 2000")
    except NoRecordsMatch:
        pass


def test_type_sets_select(published):
    """``type:<schema name>`` selects one deposit type; ``type``, every type."""
    sickle = harvester(published)
    headers = list(sickle.ListIdentifiers(metadataPrefix="oai_dc", set="type:generic"))
    records = list(sickle.ListRecords(metadataPrefix="oai_dc", set="type:generic"))
    assert {h.identifier for h in headers} == {r.header.identifier for r in records} == {
        oai_id(recid) for recid in published.generic}
    assert all(h.setSpecs == ["type:generic"] for h in headers)
    assert {r.metadata["title"][0] for r in records} == {"Recasting dark matter", "Second"}
    cms = list(sickle.ListIdentifiers(metadataPrefix="oai_dc", set="type:cms-analysis"))
    assert {h.identifier for h in cms} == {
        oai_id(recid) for recid in published.opened - published.generic}
    every = list(sickle.ListIdentifiers(metadataPrefix="oai_dc", set="type"))
    assert {h.identifier for h in every} == {oai_id(recid) for recid in published.opened}


def test_get_record_in_datacite(published):
    recid = sorted(published.opened)[0]
    record = harvester(published).GetRecord(identifier=oai_id(recid), metadataPrefix="datacite")
    resource = record.xml.find(".//{http://datacite.org/schema/kernel-4}resource")
    assert resource is not None
    ids = resource.findall(".//{http://datacite.org/schema/kernel-4}alternateIdentifier")
    assert recid in [e.text for e in ids]


def test_closed_records_drafts_and_protocol_errors(published):
    sickle = harvester(published)
    for hidden in (*published.closed, published.draft, "CAP.NOPE.NOPE"):
        try:
            sickle.GetRecord(identifier=oai_id(hidden), metadataPrefix="oai_dc")
            raise AssertionError(f"{hidden} was disseminated")
        except IdDoesNotExist:
            pass
    cases = [
        ("badVerb", {"verb": "Harvest"}),
        ("badVerb", {}),
        ("badArgument", {"verb": "ListRecords"}),
        ("badArgument", {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "nope"}),
        # A type none of whose versions opens records is no set.
        ("badArgument", {"verb": "ListRecords", "metadataPrefix": "oai_dc",
                         "set": "type:atlas-analysis"}),
        ("badArgument", {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "type:"}),
        ("badArgument", {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "yesterday"}),
        ("badArgument", {"verb": "ListRecords", "metadataPrefix": "oai_dc",
                         "from": "2026-01-01", "until": "2026-12-31T00:00:00Z"}),
        ("badArgument", {"verb": "Identify", "extra": "1"}),
        ("cannotDisseminateFormat", {"verb": "ListRecords", "metadataPrefix": "marc21"}),
        ("badResumptionToken", {"verb": "ListRecords", "resumptionToken": "forged"}),
    ]
    for code, params in cases:
        root = etree.fromstring(requests.get(f"{published.url}/oai2d", params=params).content)
        error = root.find("oai:error", OAI)
        assert error is not None and error.get("code") == code, params
        if code in ("badVerb", "badArgument"):  # the protocol: no arguments echoed
            assert root.find("oai:request", OAI).attrib == {}, params


def test_post_is_answered_like_get(published):
    answer = requests.post(f"{published.url}/oai2d", data={"verb": "Identify"})
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/xml")
    assert etree.fromstring(answer.content).find("oai:Identify", OAI) is not None


def test_a_logged_in_superuser_harvests_what_the_world_does(published, users):
    answer = requests.get(f"{published.url}/oai2d", headers=users.admin.headers,
                          params={"verb": "ListIdentifiers", "metadataPrefix": "oai_dc",
                                  "set": "atlas"})
    error = etree.fromstring(answer.content).find("oai:error", OAI)
    assert error is not None and error.get("code") == "noRecordsMatch"
