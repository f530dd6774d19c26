"""``/cms/datasets``, ``/cms/primary-datasets``, ``/cms/mc-datasets``."""

import pytest


def names(answer):
    return [hit["name"] for hit in answer.json["hits"]]


def search(client, user, path, **args):
    return client.get(path, query_string=args, headers=user.headers)


def test_das_style_pattern(client, users, searchable_datasets):
    answer = search(client, users.owner, "/cms/datasets", query="dataset=/SingleMuon/*/MINIAOD")
    assert answer.status_code == 200
    assert names(answer) == [
        "/SingleMuon/Run2016B-17Jul2018_ver2-v1/MINIAOD",
        "/SingleMuon/Run2016C-17Jul2018-v1/MINIAOD",
        "/SingleMuon/Run2017B-31Mar2018-v1/MINIAOD",
    ]
    assert answer.json["total"] == 3
    hit = answer.json["hits"][0]
    assert hit == {
        "name": "/SingleMuon/Run2016B-17Jul2018_ver2-v1/MINIAOD",
        "primary_dataset": "SingleMuon",
        "processed_dataset": "Run2016B-17Jul2018_ver2-v1",
        "tier": "MINIAOD",
        "kind": "data",
        "year": 2016,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("/singlemuon/run2016", 3),  # prefix, any case
        ("/*/*/MINIAOD*", 8),  # MINIAOD and MINIAODSIM
        ("*MINIAODSIM", 3),
        ("muon 2016", 4),  # words: SingleMuon x3 and DoubleMuon
        ("tier=MINIAOD year=2016", 4),
        ("primary_dataset=DYJets*", 2),
        ("dataset dataset=/Tau/*/* status=*", 1),
        ("/SingleMuon/Run2016B-17Jul2018_ver2-v1/MINIAOD", 1),
        ("nothing-like-this", 0),
    ],
)
def test_queries(client, users, searchable_datasets, query, expected):
    answer = search(client, users.owner, "/cms/datasets", query=query, size=50)
    assert answer.status_code == 200, answer.json
    assert answer.json["total"] == expected
    assert len(answer.json["hits"]) == expected


def test_primary_and_mc_split(client, users, searchable_datasets):
    data = search(client, users.owner, "/cms/primary-datasets", query="DYJets", size=50)
    assert data.json == {"total": 0, "hits": []}
    mc = search(client, users.owner, "/cms/mc-datasets", query="DYJets", size=50)
    assert mc.json["total"] == 2
    assert {hit["kind"] for hit in mc.json["hits"]} == {"mc"}
    primary = search(client, users.owner, "/cms/primary-datasets", size=50)
    assert primary.json["total"] == 8
    assert all("SIM" not in hit["tier"] for hit in primary.json["hits"])
    everything = search(client, users.owner, "/cms/mc-datasets", size=50)
    assert everything.json["total"] == 5


def test_paging(client, users, searchable_datasets):
    first = search(client, users.owner, "/cms/datasets", query="/SingleMuon/*", size=2)
    second = search(client, users.owner, "/cms/datasets", query="/SingleMuon/*", size=2, page=2)
    assert first.json["total"] == second.json["total"] == 5
    assert len(names(first)) == 2 and len(names(second)) == 2
    assert not set(names(first)) & set(names(second))


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"query": "site=T2_CH_CERN"}, "query"),
        ({"size": "0"}, "size"),
        ({"size": "1000"}, "size"),
        ({"page": "x"}, "page"),
        ({"size": ""}, "size"),  # empty is no default (issue 21)
        ({"page": ""}, "page"),
        ({"size": "100", "page": "101"}, "page"),
    ],
)
def test_bad_requests(client, users, searchable_datasets, args, field):
    answer = search(client, users.owner, "/cms/datasets", **args)
    assert answer.status_code == 400
    assert answer.json["status"] == 400
    assert answer.json["errors"][0]["field"] == [field]


@pytest.mark.parametrize("path", ["/cms/datasets", "/cms/primary-datasets", "/cms/mc-datasets"])
def test_cms_members_only(client, users, searchable_datasets, path):
    assert client.get(path, query_string={"query": "Muon"}).status_code == 401
    assert search(client, users.stranger, path, query="Muon").status_code == 403
    assert search(client, users.atlas, path, query="Muon").status_code == 403
    assert search(client, users.admin, path, query="Muon").status_code == 200
    assert search(client, users.colleague, path, query="Muon").status_code == 200
