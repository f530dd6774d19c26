"""Parsing CADI items into cadi_info: all or nothing."""

import pytest
from fakes.cadi_server import demo_analyses

from cap.modules.cms.cadi.parser import MalformedAnalysis, is_skipped, parse_analysis


def by_code(code):
    return next(a for a in demo_analyses() if a.get("code") == code)


def test_full_item():
    analysis = parse_analysis(by_code("EXO-19-012"))
    assert analysis.cadi_id == "EXO-19-012"
    assert analysis.working_group == "EXO"
    assert analysis.contact_email == "kenji.watanabe@cern.ch"
    info = analysis.cadi_info
    assert info["name"].startswith("Search for long-lived particles")
    assert info["status"] == "PUB"
    assert info["publication_status"] == "Published"
    assert info["pas"] == "CMS-PAS-EXO-19-012"
    assert info["paper"] == "CMS-EXO-19-012"
    assert info["twiki"] == "https://twiki.cern.ch/twiki/bin/view/CMS/EXO19012"
    assert info["hepData"].startswith("https://www.hepdata.net/")
    assert info["created"] == "2019-05-02T09:00:00"
    assert info["updated"] == "2021-06-11T11:45:00"
    assert info["awg"] == "EXO"
    assert set(info) <= {
        "name", "description", "pas", "paper", "contact", "creator", "status",
        "publication_status", "awg", "conference", "twiki", "hepData",
        "related_notes", "created", "updated",
    }


def test_empty_values_are_left_out():
    info = parse_analysis(by_code("SUS-21-002")).cadi_info
    assert "conference" not in info and "paper" not in info and "hepData" not in info


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"code": "HIG-2X-0?"}, "code"),
        ({"code": None}, "code"),
        ({"status": None}, "status"),
        ({"name": 12}, "name"),
        ({"URL": "not a url"}, "URL"),
        ({"creationDate": "yesterday-ish"}, "creationDate"),
        ({"updateDate": 20200101}, "updateDate"),
    ],
)
def test_malformed(change, reason):
    item = {**by_code("HIG-21-004"), **change}
    with pytest.raises(MalformedAnalysis) as error:
        parse_analysis(item)
    assert error.value.reason.startswith(reason)


def test_sample_has_one_malformed_item():
    bad = []
    for item in demo_analyses():
        try:
            parse_analysis(item)
        except MalformedAnalysis as error:
            bad.append(error.code)
    assert bad == ["HIG-2X-0?"]


@pytest.mark.parametrize(
    "status, skipped",
    [("Inactive", True), ("SUPERSEDED", True), ("superseded", True), ("Free", True),
     ("PUB", False), ("PHYS-APP", False)],
)
def test_skipped_statuses(status, skipped):
    analysis = parse_analysis({**by_code("HIG-21-004"), "status": status})
    assert is_skipped(analysis, ("Inactive", "SUPERSEDED", "Free")) is skipped
