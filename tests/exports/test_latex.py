"""``POST /services/latex`` turns dataset paths into a LaTeX table."""

import json

import pytest

from cap.modules.exports.latex import dataset_table, escape

PATHS = [
    "/SingleMuon/Run2016B-17Jul2018_ver2-v1/MINIAOD",
    "/DYJetsToLL_M-50_TuneCUETP8M1_13TeV-madgraphMLM-pythia8/RunIISummer16MiniAODv3-"
    "PUMoriond17_94X_mcRun2_asymptotic_v3-v2/MINIAODSIM",
]


def test_table_lists_every_path_escaped():
    latex = dataset_table(PATHS, "Data & MC (2016) 100% #1")
    assert latex.startswith(r"\begin{table}[htbp]")
    assert latex.endswith(r"\end{table}")
    assert r"\caption{Data \& MC (2016) 100\% \#1}" in latex
    assert r"\texttt{/SingleMuon/Run2016B-17Jul2018\_ver2-v1/MINIAOD} \\" in latex
    assert latex.count(r"\texttt{") == 2


def test_no_latex_command_survives_escaping():
    hostile = r"\input{/etc/passwd} $x^2$ ~ {}"
    escaped = escape(hostile)
    assert "\\input" not in escaped
    assert escaped == (
        r"\textbackslash{}input\{/etc/passwd\} \$x\textasciicircum{}2\$ "
        r"\textasciitilde{} \{\}"
    )


def test_endpoint_answers_the_table(app, db, client, create_user):
    user = create_user("latex@cern.ch")
    response = client.post(
        "/services/latex", headers=user.headers, data=json.dumps({"paths": PATHS})
    )
    assert response.status_code == 200
    assert response.json["latex"] == dataset_table(PATHS)


def test_endpoint_needs_login(app, client):
    response = client.post(
        "/services/latex",
        data=json.dumps({"paths": PATHS}),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"paths": []}, {"paths"}),
        ({"paths": "not a list"}, {"paths"}),
        ({"paths": ["/ok/path/AOD", "", 3]}, {"paths.1", "paths.2"}),
        ({"paths": PATHS, "title": 42}, {"title"}),
        ({"paths": ["/a/b/C"] * 1001}, {"paths"}),
    ],
)
def test_bad_input_names_the_field(app, client, create_user, body, fields):
    user = create_user(f"latex-bad-{len(str(body))}@cern.ch")
    response = client.post("/services/latex", headers=user.headers, data=json.dumps(body))
    assert response.status_code == 400
    assert {".".join(error["field"]) for error in response.json["errors"]} == fields


def test_non_json_body_is_a_400(app, client, create_user):
    user = create_user("latex-nojson@cern.ch")
    response = client.post("/services/latex", headers=user.headers, data="paths=x")
    assert response.status_code == 400
