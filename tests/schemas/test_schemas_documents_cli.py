"""``cap schemas validate --all`` and ``cap schemas migrate``: stored documents
against their schemas, and what a new version would change."""

from invenio_db import db

from cap.modules.deposit.records.api import Deposit
from cap.modules.schemas import api
from cap.modules.schemas.cli import schemas

V1 = {"basic_info": {"analysis_title": "Old style", "cms_working_group": "EXO",
                     "analysis_keywords": ["Muon"]}}


def run(app, *args):
    return app.test_cli_runner().invoke(schemas, [str(arg) for arg in args])


def cms_v1_draft(env):
    url = api.schema_url(api.get_schema("cms-analysis", "1.1.0"))
    return env.service.create(env.users.cms.identity, {"$schema": url, **V1})


def test_validate_all_reports_every_invalid_document(env, app, complete):
    u = env.users
    generic = env.service.create(u.cms.identity, {"$ana_type": "generic", **complete})
    env.service.publish(u.cms.identity, generic.pid)
    cms_v1_draft(env)
    broken = env.service.create(u.cms.identity, {"$ana_type": "cms-analysis",
                                                   "general_title": "T"})
    # A document changed behind the service's back (e.g. by hand in the database).
    stored = Deposit.get_by_pid(broken.pid)
    stored["basic_info"] = {"cadi_id": 12}
    stored.commit()
    db.session.commit()

    result = run(app, "validate", "--all")
    assert result.exit_code == 1
    assert (f"deposit {broken.pid} (cms-analysis v2.1.0) basic_info.cadi_id: "
            # The schema's own words for the field (x-cap-error), whatever fails.
            "A CADI ID is three letters or digits") in result.output
    lines = [line.split() for line in result.output.splitlines()]
    assert ["cms-analysis", "v2.1.0", "deposit", "0", "1"] in lines
    assert ["cms-analysis", "v1.1.0", "deposit", "1", "0"] in lines
    assert ["generic", "v2.0.0", "deposit", "1", "0"] in lines
    assert ["generic", "v2.0.0", "record", "1", "0"] in lines

    only_generic = run(app, "validate", "--all", "--schema", "generic")
    assert only_generic.exit_code == 0, only_generic.output
    assert "cms-analysis" not in only_generic.output
    assert "2 document(s), all valid" in only_generic.output

    assert run(app, "validate", "--all", "generic").exit_code == 2
    assert run(app, "validate").exit_code == 2


def test_migrate_dry_run_shows_what_the_new_version_changes(env, app):
    old = cms_v1_draft(env)
    result = run(app, "migrate", "cms-analysis", "--from", "1.1.0", "--to", "2.0.0",
                 "--dry-run")
    assert result.exit_code == 0, result.output
    assert f"deposit {old.pid}" in result.output
    assert "-  $schema: " in result.output and "cms-analysis-v1.1.0.json" in result.output
    assert "+  $schema: " in result.output and "cms-analysis-v2.0.0.json" in result.output
    assert ("!  basic_info.analysis_keywords: Analysis keywords must be a group of fields"
            in result.output)
    assert "1 document(s) of cms-analysis v1.1.0: 0 valid under v2.0.0, 1 not" in result.output
    # v1.0.0 documents would all move as they are (there are none).
    assert "0 document(s)" in run(app, "migrate", "cms-analysis", "--from", "1.0.0",
                                  "--to", "1.1.0", "--dry-run").output
    # Nothing is rewritten: the draft keeps its version.
    assert Deposit.get_by_pid(old.pid)["$schema"].endswith("cms-analysis-v1.1.0.json")


def test_migrate_refusals(env, app):
    assert run(app, "migrate", "cms-analysis", "--from", "1.1.0", "--to", "2.0.0").exit_code == 2
    unknown = run(app, "migrate", "cms-analysis", "--from", "1.1.0", "--to", "9.9.9", "--dry-run")
    assert unknown.exit_code == 1
