"""``/cms/triggers?query=&dataset=&year=``."""

import pytest


def search(client, user, **args):
    return client.get("/cms/triggers", query_string=args, headers=user.headers)


def paths(answer):
    return [hit["trigger"] for hit in answer.json["hits"]]


def test_by_dataset_and_year(client, users, searchable_triggers):
    answer = search(client, users.owner, dataset="SingleMuon", year="2016")
    assert answer.status_code == 200
    assert paths(answer) == ["HLT_IsoMu24_v*", "HLT_IsoTkMu24_v*", "HLT_Mu50_v*"]
    assert answer.json["total"] == 3
    assert answer.json["hits"][0] == {
        "trigger": "HLT_IsoMu24_v*", "datasets": ["SingleMuon"], "years": [2016]
    }


def test_dataset_path_gives_its_year(client, users, searchable_triggers):
    answer = search(
        client, users.owner, dataset="/SingleMuon/Run2017B-31Mar2018-v1/MINIAOD", query="mu"
    )
    assert paths(answer) == ["HLT_IsoMu27_v*", "HLT_Mu50_v*"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"query": "isomu"}, ["HLT_IsoMu24_v*", "HLT_IsoMu27_v*"]),
        ({"query": "Mu24"}, ["HLT_IsoMu24_v*", "HLT_IsoTkMu24_v*"]),
        ({"query": "HLT_Mu*"}, ["HLT_Mu17_TrkIsoVVL_Mu8_TrkIsoVVL_v*", "HLT_Mu50_v*"]),
        ({"query": "tau", "dataset": "tau"}, ["HLT_DoubleMediumIsoPFTau35_Trk1_eta2p1_Reg_v*"]),
        ({"year": "2017"}, ["HLT_IsoMu27_v*", "HLT_Mu50_v*"]),
        ({"dataset": "JetHT"}, ["HLT_PFHT1050_v*"]),
        ({"dataset": "MET"}, []),
    ],
)
def test_queries(client, users, searchable_triggers, args, expected):
    answer = search(client, users.owner, **args)
    assert answer.status_code == 200
    assert paths(answer) == expected


def test_a_path_in_several_datasets_and_years_once(client, users, searchable_triggers):
    answer = search(client, users.owner, query="HLT_Mu50")
    assert answer.json["hits"] == [
        {"trigger": "HLT_Mu50_v*", "datasets": ["SingleMuon"], "years": [2016, 2017]}
    ]


def test_paging(client, users, searchable_triggers):
    first = search(client, users.owner, size=3)
    second = search(client, users.owner, size=3, page=2)
    assert first.json["total"] == second.json["total"] == 7
    assert len(paths(first)) == 3
    assert not set(paths(first)) & set(paths(second))


@pytest.mark.parametrize(
    ("args", "field"),
    [({"year": "twenty"}, "year"), ({"dataset": "/a/b"}, "dataset"), ({"size": "-1"}, "size")],
)
def test_bad_requests(client, users, searchable_triggers, args, field):
    answer = search(client, users.owner, **args)
    assert answer.status_code == 400
    assert answer.json["errors"][0]["field"] == [field]


def test_cms_members_only(client, users, searchable_triggers):
    assert client.get("/cms/triggers").status_code == 401
    assert search(client, users.stranger).status_code == 403
    assert search(client, users.atlas).status_code == 403
    assert search(client, users.colleague).status_code == 200
