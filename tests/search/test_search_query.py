"""DAS-style field terms in q (dataset=, trigger=, cadi=, wg= ...) on /deposits and /records."""

import pytest

from cap.modules.schemas.api import get_schema, schema_url


def cms(env, user, title, cadi, wg, datasets, triggers=(), keywords=()):
    # v1.1.0: flat analysis_keywords (v2.0.0 files them by category, as legacy CAP did)
    data = {
        "$schema": schema_url(get_schema("cms-analysis", "1.1.0")),
        "basic_info": {"analysis_title": title, "cadi_id": cadi, "cms_working_group": wg,
                       "analysis_keywords": list(keywords)},
        "input_data": {"primary_datasets": [
            {"path": path, "triggers": [{"trigger": t} for t in triggers]} for path in datasets
        ]},
    }
    return env.service.create(user.identity, data)


@pytest.fixture
def analyses(env, refresh):
    u = env.users
    made = {
        "muon": cms(env, u.owner, "Dimuon resonances", "EXO-21-001", "EXO",
                    ["/SingleMuon/Run2016B-17Jul2018_ver2-v1/MINIAOD"], ["HLT_IsoMu24_v4"]),
        "muon_aod": cms(env, u.owner, "Muon efficiencies", "MUO-21-002", "MUO",
                        ["/SingleMuon/Run2017C-31Mar2018-v1/AOD"], ["HLT_IsoMu27_v8"]),
        "higgs": cms(env, u.owner, "Higgs to tau tau", "HIG-21-004", "HIG",
                     ["/Tau/Run2018A-UL2018_MiniAODv2-v1/MINIAOD"], ["HLT_IsoMu24_eta2p1_v3"]),
        # Readable by nobody but the colleague: must never show up for the owner.
        "hidden": cms(env, u.colleague, "Hidden muon study", "HIG-21-099", "HIG",
                      ["/SingleMuon/Run2016B-17Jul2018_ver2-v1/MINIAOD"], ["HLT_IsoMu24_v4"]),
    }
    refresh()
    return made


def search(client, user, q, path="/deposits/"):
    answer = client.get(path, query_string={"q": q}, headers=user.headers)
    return answer


def pids(answer):
    return sorted(hit["id"] for hit in answer.json["hits"]["hits"])


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("dataset=/SingleMuon/*/MINIAOD", ["muon"]),
        ("dataset=/SingleMuon/*", ["muon", "muon_aod"]),
        ("dataset=/Tau/Run2018A-UL2018_MiniAODv2-v1/MINIAOD", ["higgs"]),
        ("trigger=HLT_IsoMu24*", ["higgs", "muon"]),
        ('trigger="HLT_IsoMu2?_v*"', ["muon", "muon_aod"]),
        ("cadi=HIG-21-004", ["higgs"]),
        ("wg=HIG", ["higgs"]),
        ("wg=EXO trigger=HLT_IsoMu24*", ["muon"]),
        ("Dimuon dataset=/SingleMuon/*", ["muon"]),
        ("efficiencies AND dataset=/SingleMuon/*", ["muon_aod"]),
        ("dataset=/Nothing/*", []),
        # A path pasted as it is: a dataset term, not a query-string error.
        ("/Tau/Run2018A-UL2018_MiniAODv2-v1/MINIAOD", ["higgs"]),
        ("/SingleMuon/*/MINIAOD", ["muon"]),
        ("Dimuon /SingleMuon/*", ["muon"]),
    ],
)
def test_field_terms(client, env, analyses, q, expected):
    answer = search(client, env.users.owner, q)
    assert answer.status_code == 200, answer.json
    assert pids(answer) == sorted(analyses[name].pid for name in expected)
    assert answer.json["hits"]["total"] == len(expected)


def test_field_terms_keep_permissions_and_facets(client, env, analyses):
    """The colleague's own draft matches for them, never for the owner (hits, totals, facets)."""
    u = env.users
    owner = search(client, u.owner, "wg=HIG")
    colleague = search(client, u.colleague, "wg=HIG")
    assert pids(colleague) == [analyses["hidden"].pid]
    facet = {b["key"]: b["doc_count"]
             for b in owner.json["aggregations"]["cms_working_group"]["buckets"]}
    assert facet == {"HIG": 1}


@pytest.mark.parametrize(
    ("q", "word"),
    [("foo=bar", "'foo'"), ("higgs dataste=/SingleMuon/*", "'dataste'"), ("dataset=", "dataset")],
)
def test_bad_field_terms_are_400_naming_them(client, env, analyses, q, word):
    answer = search(client, env.users.owner, q)
    assert answer.status_code == 400
    assert answer.json["errors"][0]["field"] == ["q"]
    assert word in answer.json["errors"][0]["message"]


def test_records_understand_field_terms(client, env, example, refresh):
    u = env.users
    metadata = {k: v for k, v in example("cms-analysis").items() if k != "cadi_info"}
    deposit = env.service.create(u.owner.identity, {"$ana_type": "cms-analysis", **metadata})
    deposit = env.service.publish(u.owner.identity, deposit.pid)
    refresh()
    path = metadata["input_data"]["primary_datasets"][0]["path"]
    pattern = "/" + path.split("/")[1] + "/*"
    hits = search(client, u.colleague, f"dataset={pattern}", "/records/")
    assert [h["recid"] for h in hits.json["hits"]["hits"]] == [deposit.recid]
    cadi = metadata["basic_info"]["cadi_id"]
    assert search(client, u.colleague, f"cadi={cadi}", "/records/").json["hits"]["total"] == 1
    assert search(client, u.atlas, f"cadi={cadi}", "/records/").json["hits"]["total"] == 0
