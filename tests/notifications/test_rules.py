"""The rule engine alone: checks, recipients, templates in the sandbox, validation."""

import pytest

from cap.modules.notifications.context import Event, NotificationContext
from cap.modules.notifications.rules import Sandboxes, build_messages, check_holds

WG = "analysis_context.cms_working_group"
DATA = {
    "general_title": "HH to bbtautau",
    "analysis_context": {"cadi_id": "HIG-21-004", "cms_working_group": "HIG",
                         "tags": ["ml", "fit"]},
    "_deposit": {"owners": []},
}


@pytest.fixture
def context(app, db):
    event = Event(action="publish", depid="d1", data=DATA, schema_name="x",
                  published_id="CMS-STATS-2026-0001")
    return NotificationContext(event, "http://ui", {"HIG": ["hig@cern.ch"]})


@pytest.fixture
def sandboxes(app):
    return Sandboxes(app.config["CAP_NOTIFICATIONS_TEMPLATES_DIR"])


@pytest.mark.parametrize(
    "check, holds",
    [
        ({"condition": "equals", "path": WG, "value": "HIG"}, True),
        ({"condition": "equals", "path": WG, "value": "EXO"}, False),
        ({"condition": "not_equals", "path": WG, "value": "EXO"}, True),
        ({"condition": "exists", "path": "analysis_context.cadi_id"}, True),
        ({"condition": "exists", "path": "analysis_context.missing"}, False),
        ({"condition": "is_in", "path": WG, "value": ["B2G", "HIG"]}, True),
        ({"condition": "is_in", "path": "analysis_context.tags", "value": "ml"}, True),
        ({"condition": "is_not_in", "path": "analysis_context.tags", "value": "ml"}, False),
        ({"condition": "is_not_in", "path": "analysis_context.missing", "value": "ml"}, False),
        ({"op": "or", "checks": [{"condition": "exists", "path": "nope"},
                                 {"condition": "exists", "path": "general_title"}]}, True),
        ({"op": "and", "checks": [{"condition": "exists", "path": "nope"},
                                  {"condition": "exists", "path": "general_title"}]}, False),
        ({"condition": "is_egroup_member", "value": "cms-members"}, False),  # nobody acted
    ],
)
def test_conditions(context, check, holds):
    assert check_holds(check, context) is holds


def test_recipients_checks_methods_and_formatted_trigger(context, sandboxes):
    rules = {"actions": {"publish": [{
        "subject": {"template": "{{ published_id }} {{ cadi }}", "ctx": [
            {"name": "cadi", "path": "analysis_context.cadi_id"}]},
        "body": {"template": "See {{ published_url }}", "plain": True},
        "recipients": {
            "recipients": ["a@cern.ch", {"method": "get_cms_stat_recipients"}],
            "cc": [{"checks": [{"condition": "equals", "path": "analysis_context.cms_working_group",
                                "value": "EXO"}], "mails": {"default": ["exo@cern.ch"]}}],
            "bcc": [{"checks": [{"condition": "exists", "path": "analysis_context.cadi_id"}],
                     "mails": {"formatted": [{"template": "hn-cms-{{ c | lower }}@cern.ch",
                                              "ctx": [{"name": "c",
                                                       "path": "analysis_context.cadi_id"}]}]}}],
        },
    }]}}
    [message] = build_messages(rules, "publish", context, sandboxes)
    assert message.error is None
    assert message.subject == "CMS-STATS-2026-0001 HIG-21-004"
    assert message.body == "See http://ui/published/CMS-STATS-2026-0001"
    assert message.recipients == {"to": ["a@cern.ch", "hig@cern.ch"], "cc": [],
                                  "bcc": ["hn-cms-hig-21-004@cern.ch"]}
    assert build_messages(rules, "review", context, sandboxes) == []


@pytest.mark.parametrize("template", [
    "{{ ''.__class__.__mro__ }}",
    "{{ cycler.__init__.__globals__ }}",
])
def test_sandbox_refuses_code(context, sandboxes, template):
    rules = {"actions": {"publish": [{"subject": {"template": template},
                                      "recipients": {"recipients": ["a@cern.ch"]}}]}}
    [message] = build_messages(rules, "publish", context, sandboxes)
    assert message.error and "Template error" in message.error


def test_sandbox_sees_no_app_config(context, sandboxes):
    rules = {"actions": {"publish": [{"subject": {"template": "[{{ config }}{{ SECRET_KEY }}]"},
                                      "recipients": {"recipients": ["a@cern.ch"]}}]}}
    [message] = build_messages(rules, "publish", context, sandboxes)
    assert message.subject == "[]"


def test_validation_names_each_field(app):
    from cap.modules.notifications.proxies import current_notification_service as service

    errors = service.rule_errors({"actions": {
        "publsh": [],
        "publish": [{
            "subject": {"template": "{{ unclosed"},
            "body": {"template_file": "../../etc/passwd"},
            "recipients": {"to": [{"checks": [{"condition": "is_near", "path": "x"}],
                                   "mails": {"default": "x@cern.ch"}},
                                  {"method": "get_everyone"}]},
        }],
    }})
    fields = {".".join(e["field"]): e["message"] for e in errors}
    assert set(fields) == {
        "actions.publsh",
        "actions.publish.0.subject.template",
        "actions.publish.0.body.template_file",
        "actions.publish.0.recipients.to.0.checks.0.condition",
        "actions.publish.0.recipients.to.0.mails.default",
        "actions.publish.0.recipients.to.1.method",
    }
    assert "Unknown condition" in fields["actions.publish.0.recipients.to.0.checks.0.condition"]


def test_shipped_rules_validate(app, schemas):
    from cap.modules.notifications.proxies import current_notification_service as service

    rules = schemas["cms-stats-questionnaire"].config["notifications"]
    assert service.rule_errors(rules) == []
