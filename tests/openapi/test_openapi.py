"""The OpenAPI description: complete, valid, and true to what the API answers.

The fuzz run (schemathesis) sends generated valid and invalid requests to
every operation as a superuser and as a depositor, and checks each answer:
never a 5xx, a status, content type and body the description allows.
``scripts/fuzz`` runs the same checks longer, against a served instance.
"""

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from cap.modules.openapi.operations import SKIPPED_ENDPOINTS
from cap.modules.openapi.spec import openapi_path

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, negative_data_rejection]
EXAMPLES_PER_OPERATION = 20
MIN_CASES = 1000
cases_run = []


@pytest.fixture(scope="module")
def spec(app):
    answer = app.test_client().get("/openapi.json")
    assert answer.status_code == 200
    return answer.json


def test_every_route_is_described(app, spec):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED_ENDPOINTS or rule.endpoint == "static":
            continue
        operations = spec["paths"][openapi_path(rule)]
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in operations, (rule.rule, method)


def test_the_description_is_valid_openapi_3_1(spec):
    from openapi_spec_validator import validate

    validate(spec)
    assert spec["openapi"] == "3.1.0"
    draft = spec["paths"]["/deposits/{pid}/actions/{action}"]["post"]
    (action,) = [p for p in draft["parameters"] if p["name"] == "action"]
    assert {"publish", "edit", "discard", "clone", "permissions"} <= set(action["schema"]["enum"])
    assert draft["responses"]["4XX"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"}


@pytest.mark.parametrize("path", ["/services/latex", "/jsonschemas/{name}/{version}/validate"])
def test_checks_and_renderings_answer_200_as_described(spec, path):
    """scripts/fuzz found these POSTs described as 201 while they create nothing
    and answer 200 (ST103, undocumented status code)."""
    responses = spec["paths"][path]["post"]["responses"]
    assert "200" in responses and "201" not in responses


def test_packages_are_described_as_zips_and_builds_as_accepted(spec):
    """scripts/fuzz found the package export answering application/zip and the
    background build 202 where the description said JSON and 201 (ST105, ST103)."""
    package = "/records/{recid}/export/package"
    for path in (package, package + "/builds/{build_id}/file"):
        assert set(spec["paths"][path]["get"]["responses"]["200"]["content"]) == {
            "application/zip"}
    build = spec["paths"][package + "/builds"]["post"]["responses"]
    assert "202" in build and "201" not in build


def test_downloads_zenodo_and_public_are_described_as_answered(spec):
    """scripts/fuzz: a file download answers its own media type (ST105), pushing
    to Zenodo 202 (ST103); making a record public answers 200."""
    download = spec["paths"]["/files/{bucket_id}/{key}"]["get"]["responses"]["200"]
    assert set(download["content"]) == {"*/*"}
    zenodo = spec["paths"]["/records/{recid}/actions/zenodo"]["post"]["responses"]
    assert "202" in zenodo and "201" not in zenodo
    public = spec["paths"]["/records/{recid}/actions/public"]["post"]["responses"]
    assert "200" in public and "201" not in public
    remove = spec["paths"]["/files/{bucket_id}/{key}"]["delete"]["responses"]
    assert "204" in remove and "200" not in remove


def test_validate_takes_one_document_or_a_list(spec):
    """scripts/fuzz: a list of documents (the contract's body) was described as
    invalid, an object only (ST201)."""
    body = spec["paths"]["/jsonschemas/{name}/{version}/validate"]["post"]["requestBody"]
    kinds = body["content"]["application/json"]["schema"]["anyOf"]
    assert {"$ref": "#/components/schemas/Object"} in kinds
    assert {"type": "array", "items": {"$ref": "#/components/schemas/Object"}} in kinds


def test_records_have_one_path_only(spec):
    """invenio-records-rest's own /records endpoints are not registered."""
    operations = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert not [op for op in operations if op.startswith("invenio_records_rest")]


@pytest.fixture(scope="module")
def fuzz_users(create_user, experiment_roles, schemas, location):
    """A superuser and a CMS member, each with a draft and the member with a record."""
    from cap.modules.deposit.proxies import current_deposit_service

    superuser = create_user("fuzz-super@cern.ch", roles=["analysis-preservation-support@cern.ch"])
    member = create_user("fuzz-member@cern.ch", roles=["cms-members@cern.ch"])
    service = current_deposit_service
    service.create(superuser.identity, {"$ana_type": "cms-analysis", "general_title": "Fuzz"})
    draft = service.create(member.identity, {"$ana_type": "cms-analysis", "general_title": "Mine"})
    return {"superuser": superuser, "member": member, "draft": draft}


@pytest.fixture(scope="module")
def api_schema(app, fuzz_users):
    return schemathesis.openapi.from_wsgi("/openapi.json", app)


lazy = schemathesis.pytest.from_fixture("api_schema")


@lazy.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_fuzz(case, fuzz_users):
    """Generated requests, as a superuser: no 5xx, answers as described."""
    who = "member" if len(cases_run) % 3 == 2 else "superuser"
    headers = {"Authorization": f"Bearer {fuzz_users[who].token}"}
    cases_run.append(case.operation.label)
    case.call_and_validate(headers=headers, checks=CHECKS)


def test_the_fuzz_ran_enough_cases_on_every_operation(spec):
    """At least MIN_CASES generated requests, every operation among them
    (runs after test_fuzz)."""
    operations = {f"{method.upper()} {path}" for path, item in spec["paths"].items()
                  for method in item}
    assert set(cases_run) == operations, json.dumps(sorted(operations ^ set(cases_run)))
    assert len(cases_run) >= MIN_CASES
