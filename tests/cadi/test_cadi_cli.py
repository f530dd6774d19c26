"""``cap cms sync-cadi``: summary lines, dry run, failure exit code."""

from click.testing import CliRunner
from flask.cli import ScriptInfo

from cap.modules.cms.cadi.cli import sync_cadi
from cap.modules.cms.cadi.models import CadiAnalysis


def run(app, *args):
    return CliRunner().invoke(
        sync_cadi, list(args), obj=ScriptInfo(create_app=lambda *a, **k: app)
    )


def test_dry_run_then_real_then_again(env, app, fake_cadi):
    result = run(app, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "dry run (nothing written): created 16, updated 0, unchanged 0, skipped 3, failed 1" in (
        result.output
    )
    assert "failed: HIG-2X-0?: malformed: code" in result.output
    assert "skipped: EXO-18-099: status SUPERSEDED" in result.output
    assert CadiAnalysis.query.count() == 0
    result = run(app)
    assert result.exit_code == 0 and "created 16" in result.output
    result = run(app, "--full")
    assert "created 0, updated 0, unchanged 16" in result.output


def test_since_and_bad_date(env, app, fake_cadi):
    result = run(app, "--since", "2022-03-01")
    assert result.exit_code == 0 and "since 2022-03-01" in result.output
    assert any("updated_since=2022-03-01" in path for _, path in fake_cadi.requests)
    result = run(app, "--since", "last week")
    assert result.exit_code == 2 and "ISO date" in result.output


def test_upstream_down_exits_1(env, app, fake_cadi):
    fake_cadi.mode = "down"
    result = run(app)
    assert result.exit_code == 1
    assert "CADI sync failed" in result.output


def test_from_file(env, app):
    result = run(app, "--from-file", app.config["CAP_CADI_DEMO_FILE"])
    assert result.exit_code == 0 and "created 16" in result.output
