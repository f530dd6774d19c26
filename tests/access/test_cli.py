"""``cap access allow|deny|list`` and the registration of experiment actions."""

import pytest
from invenio_access import Permission
from invenio_access.models import ActionRoles, ActionUsers
from invenio_access.permissions import ParameterizedActionNeed
from invenio_access.proxies import current_access

from cap.modules.access.cli import access
from cap.modules.access.ext import register_experiment_actions


@pytest.fixture(scope="module")
def app_config(app_config):
    """A fifth experiment, configured only."""
    from cap.config import CAP_EXPERIMENTS

    app_config["CAP_EXPERIMENTS"] = {
        **CAP_EXPERIMENTS,
        "FASER": {"action": "faser-access", "egroups": ["faser-members@cern.ch"]},
    }
    return app_config


@pytest.fixture(scope="module")
def people(create_user, experiment_roles):
    """A plain user and a CMS member."""
    return {
        "plain": create_user("access-plain@cern.ch"),
        "cms": create_user("access-cms@cern.ch", roles=["cms-members@cern.ch"]),
    }


def run(cli_runner, *args):
    """Invoke ``cap access``; returns the result."""
    return cli_runner(access, None, *args)


def allows(user, action, argument=None):
    """Whether the user's identity holds the action."""
    return Permission(ParameterizedActionNeed(action, argument)).allows(user.identity)


def test_configured_experiment_action_registered(app, people):
    """FASER's action is registered by the extension; CMS's stays static."""
    assert "faser-access" in current_access.actions
    assert "cms-access" in current_access.actions
    assert register_experiment_actions(app) == []  # idempotent


def test_allow_and_deny_user(app, cli_runner, people):
    """Grant then remove an action for a user, with an argument."""
    plain = people["plain"]
    assert not allows(plain, "deposit-schema-create", "cms-analysis")
    result = run(
        cli_runner, "allow", "deposit-schema-create", "--argument", "cms-analysis",
        "--email", plain.email,
    )
    assert result.exit_code == 0, result.output
    assert "allowed" in result.output
    assert allows(plain, "deposit-schema-create", "cms-analysis")
    assert not allows(plain, "deposit-schema-create", "lhcb")

    again = run(
        cli_runner, "allow", "deposit-schema-create", "--argument", "cms-analysis",
        "--email", plain.email,
    )
    assert "already" in again.output
    assert ActionUsers.query.filter_by(user_id=plain.id).count() == 1

    result = run(
        cli_runner, "deny", "deposit-schema-create", "--argument", "cms-analysis",
        "--email", plain.email,
    )
    assert result.exit_code == 0 and "removed" in result.output
    assert not allows(plain, "deposit-schema-create", "cms-analysis")
    assert ActionUsers.query.filter_by(user_id=plain.id).count() == 0


def test_allow_role_and_exclude_user(app, cli_runner, people):
    """A role grant reaches its members; ``--exclude`` takes one member out."""
    cms, plain = people["cms"], people["plain"]
    result = run(cli_runner, "allow", "faser-access", "--role", "cms-members@cern.ch")
    assert result.exit_code == 0, result.output
    assert allows(cms, "faser-access") and not allows(plain, "faser-access")

    result = run(cli_runner, "deny", "faser-access", "--email", cms.email, "--exclude")
    assert result.exit_code == 0 and "excluded" in result.output
    assert not allows(cms, "faser-access")

    # Allowing again drops the exclusion.
    result = run(cli_runner, "allow", "faser-access", "--email", cms.email)
    assert result.exit_code == 0
    assert allows(cms, "faser-access")
    assert not ActionUsers.query.filter_by(user_id=cms.id, exclude=True).count()

    result = run(cli_runner, "deny", "faser-access", "--role", "cms-members@cern.ch")
    assert result.exit_code == 0
    rows = ActionRoles.query.filter_by(action="faser-access", role_id="cms-members@cern.ch")
    assert not rows.count()


def test_list(app, cli_runner, people):
    """A table of grants and exclusions, filterable by action."""
    run(cli_runner, "allow", "faser-access", "--role", "faser-members@cern.ch")
    run(cli_runner, "deny", "lhcb-access", "--email", people["plain"].email, "--exclude")
    result = run(cli_runner, "list")
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.output.splitlines()]
    assert rows[0] == ["action", "argument", "type", "who", "rule"]
    assert ["faser-access", "role", "faser-members@cern.ch", "allow"] in rows
    assert ["lhcb-access", "user", people["plain"].email, "deny"] in rows
    assert ["cms-access", "role", "cms-members@cern.ch", "allow"] in rows

    result = run(cli_runner, "list", "--action", "lhcb-access")
    assert "faser-access" not in result.output and "lhcb-access" in result.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["allow", "no-such-action", "--role", "cms-members@cern.ch"], "unknown action"),
        (["allow", "cms-access"], "exactly one of"),
        (["allow", "cms-access", "--email", "a@cern.ch", "--role", "x"], "exactly one of"),
        (["allow", "cms-access", "--email", "nobody@cern.ch"], "no user"),
        (["allow", "cms-access", "--role", "no-such-role"], "no role"),
    ],
)
def test_errors(app, cli_runner, people, args, message):
    """Unknown actions, users or roles, and ambiguous subjects are refused."""
    result = run(cli_runner, *args)
    assert result.exit_code != 0
    assert message in result.output


def test_force_unknown_action(app, cli_runner, people):
    """``--force`` grants an action nobody registered (e.g. before a deploy)."""
    result = run(
        cli_runner, "allow", "future-action", "--email", people["plain"].email, "--force"
    )
    assert result.exit_code == 0, result.output
    assert allows(people["plain"], "future-action")
