"""The rule engine of ``config.notifications`` (the legacy CAP format).

A schema's rules::

    {"actions": {"publish": [MESSAGE, ...], "review": [MESSAGE, ...]}}

    MESSAGE = {"ctx": [CTX...], "subject": PART, "body": PART,
               "recipients": {"recipients"|"to": [RCPT...], "cc": [...], "bcc": [...]}}
    PART    = {"template": "..." | "template_file": "path", "ctx": [CTX...],
               "plain": bool (body only: text, not HTML)}
    CTX     = {"name": "cadi_id", "path": "analysis_context.cadi_id"}
            | {"method": "published_url", "name": optional}
    RCPT    = "someone@cern.ch"
            | {"mails": {"default": [...], "formatted": [{"template", "ctx"}]},
               "method": "get_owner" | [...], "checks": [CHECK...], "op": "and"|"or"}
    CHECK   = {"condition": "equals"|"not_equals"|"exists"|"is_in"|"is_not_in"
                            |"is_egroup_member", "path": "...", "value": ...}
            | {"checks": [CHECK...], "op": "and"|"or"}

Templates are Jinja in a :class:`~jinja2.sandbox.SandboxedEnvironment`: they
see only the message's context (no app config, no callables of ours), and
``template_file`` reads only the configured templates folder. This module is
pure: what it needs of the world comes in a context (``context.py``).
"""

from dataclasses import dataclass, field
from functools import lru_cache

from jinja2 import FileSystemLoader, TemplateError, TemplateNotFound
from jinja2.sandbox import SandboxedEnvironment

from ..core.errors import field_error

CONDITIONS = ("equals", "not_equals", "exists", "is_in", "is_not_in", "is_egroup_member")
PATH_CONDITIONS = CONDITIONS[:-1]
OPS = ("and", "or")
RECIPIENT_KEYS = ("recipients", "to", "cc", "bcc")

DEFAULT_SUBJECT = {
    "template": "{{ title or published_id or draft_id }}: {{ action }} | CERN Analysis Preservation"
}
DEFAULT_BODY = {"template_file": "notifications/default.txt", "plain": True}


class Sandboxes:
    """The two Jinja sandboxes over the templates folder: ``plain`` text and
    ``html`` (autoescaped); a rule's inline template is compiled once."""

    def __init__(self, templates_dir):
        """Sandboxes reading ``template_file`` from ``templates_dir`` only."""
        loader = FileSystemLoader(templates_dir)
        self._sandboxes = {
            "plain": SandboxedEnvironment(loader=loader, autoescape=False),
            "html": SandboxedEnvironment(loader=loader, autoescape=True),
        }
        self._compiled = lru_cache(maxsize=1024)(self._compile)

    def _compile(self, kind, source):
        return self._sandboxes[kind].from_string(source)

    def template(self, kind, part):
        """The template of a subject, body or formatted address (a TemplateError if bad)."""
        if "template" in part:
            return self._compiled(kind, part["template"])
        return self._sandboxes[kind].get_template(part["template_file"])



@lru_cache(maxsize=8)
def sandboxes_for(templates_dir):
    """The :class:`Sandboxes` over ``templates_dir``, made once per folder (the
    notifications' and the repository templates' folders each have theirs)."""
    return Sandboxes(templates_dir)


# -- validation ---------------------------------------------------------


def rule_errors(rules, actions, ctx_methods, recipient_methods, sandboxes):
    """Every problem of ``rules``, as field errors (paths from the rules' root)."""
    errors = []

    def error(path, message):
        errors.append(field_error(path, message))

    def object_at(value, path, keys):
        if not isinstance(value, dict):
            error(path, "Expected an object.")
            return False
        for key in value:
            if key not in keys:
                error([*path, key], f"Unknown key; expected one of {', '.join(keys)}.")
        return True

    def ctx_list(items, path):
        if not isinstance(items, list):
            return error(path, "Expected a list.")
        for index, item in enumerate(items):
            where = [*path, str(index)]
            if not object_at(item, where, ("name", "path", "method", "type")):
                continue
            if "method" in item:
                if item["method"] not in ctx_methods:
                    error([*where, "method"], f"Unknown method; one of {', '.join(ctx_methods)}.")
            elif not (isinstance(item.get("name"), str) and isinstance(item.get("path"), str)):
                error(where, "Needs a name and a path, or a method.")

    def template_at(part, path, kind):
        key = "template" if "template" in part else "template_file"
        if key not in part:
            return error(path, "Needs a template or a template_file.")
        if not isinstance(part[key], str):
            return error([*path, key], "Expected a string.")
        try:
            sandboxes.template(kind, part)
        except TemplateNotFound:
            error([*path, key], "No such template file.")
        except TemplateError as problem:
            error([*path, key], f"Not a valid template: {problem}")

    def part_at(part, path, body):
        keys = ("template", "template_file", "ctx", "plain") if body else (
            "template", "template_file", "ctx")
        if not object_at(part, path, keys):
            return
        if "template" in part and "template_file" in part:
            error(path, "Give a template or a template_file, not both.")
        if "plain" in part and not isinstance(part["plain"], bool):
            error([*path, "plain"], "Expected true or false.")
        template_at(part, path, "html" if body and not part.get("plain") else "plain")
        if "ctx" in part:
            ctx_list(part["ctx"], [*path, "ctx"])

    def check_at(check, path):
        if not object_at(check, path, ("condition", "path", "value", "checks", "op")):
            return
        if "checks" in check:
            checks_at(check, path)
            return
        condition = check.get("condition")
        if condition not in CONDITIONS:
            message = f"Unknown condition; one of {', '.join(CONDITIONS)}."
            return error([*path, "condition"], message)
        if condition in PATH_CONDITIONS and not isinstance(check.get("path"), str):
            error([*path, "path"], "Required: the dotted path of a field.")
        if condition not in ("exists",) and "value" not in check:
            error([*path, "value"], "Required for this condition.")
        if condition == "is_egroup_member" and not isinstance(check.get("value"), str):
            error([*path, "value"], "Expected an e-group name.")

    def checks_at(holder, path):
        if holder.get("op", "and") not in OPS:
            error([*path, "op"], "Expected and or or.")
        checks = holder.get("checks")
        if not isinstance(checks, list) or not checks:
            return error([*path, "checks"], "Expected a non-empty list.")
        for index, check in enumerate(checks):
            check_at(check, [*path, "checks", str(index)])

    def recipient_at(entry, path):
        if isinstance(entry, str):
            return
        if not object_at(entry, path, ("mails", "method", "checks", "op")):
            return
        if "mails" not in entry and "method" not in entry:
            error(path, "Needs mails or a method.")
        if "checks" in entry or "op" in entry:
            checks_at(entry, path)
        if "method" in entry:
            names = entry["method"] if isinstance(entry["method"], list) else [entry["method"]]
            for name in names:
                if name not in recipient_methods:
                    error([*path, "method"],
                          f"Unknown method; one of {', '.join(recipient_methods)}.")
        if "mails" in entry:
            mails, where = entry["mails"], [*path, "mails"]
            if not object_at(mails, where, ("default", "formatted")):
                return
            default = mails.get("default", [])
            if not isinstance(default, list) or not all(isinstance(m, str) for m in default):
                error([*where, "default"], "Expected a list of addresses.")
            formatted = mails.get("formatted", [])
            if not isinstance(formatted, list):
                return error([*where, "formatted"], "Expected a list.")
            for index, item in enumerate(formatted):
                part_at(item, [*where, "formatted", str(index)], body=False)

    def message_at(message, path):
        if not object_at(message, path, ("ctx", "subject", "body", "recipients")):
            return
        if "ctx" in message:
            ctx_list(message["ctx"], [*path, "ctx"])
        for name in ("subject", "body"):
            if name in message:
                part_at(message[name], [*path, name], body=name == "body")
        recipients = message.get("recipients")
        where = [*path, "recipients"]
        if recipients is None:
            return error(where, "Required: who gets the message.")
        if not object_at(recipients, where, RECIPIENT_KEYS):
            return
        for key, entries in recipients.items():
            if not isinstance(entries, list):
                error([*where, key], "Expected a list.")
                continue
            for index, entry in enumerate(entries):
                recipient_at(entry, [*where, key, str(index)])

    if not object_at(rules, [], ("actions",)):
        return errors
    actions_rules = rules.get("actions", {})
    if not object_at(actions_rules, ["actions"], actions):
        return errors
    for action, messages in actions_rules.items():
        if not isinstance(messages, list):
            error(["actions", action], "Expected a list of messages.")
            continue
        for index, message in enumerate(messages):
            message_at(message, ["actions", action, str(index)])
    return errors


# -- evaluation ---------------------------------------------------------

_MISSING = object()


def value_at(data, path):
    """The value at a dotted ``path`` of ``data`` (list indexes as digits), else missing."""
    value = data
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return _MISSING
    return value


def _present(value):
    return value is not _MISSING and value not in (None, "", [], {})


def _contains(value, expected):
    """``is_in``: the field's value is one of ``expected`` (a list), or, as legacy
    CAP had it, ``expected`` is in the field (a list or a text)."""
    if isinstance(expected, list):
        return value in expected
    return isinstance(value, (list, str)) and expected in value


def check_holds(check, context):
    """Whether a check (or a nested group of checks) holds for ``context``."""
    if "checks" in check:
        results = (check_holds(item, context) for item in check["checks"])
        return any(results) if check.get("op", "and") == "or" else all(results)
    condition, expected = check["condition"], check.get("value")
    if condition == "is_egroup_member":
        return context.submitter_in_egroup(expected)
    value = value_at(context.data, check["path"])
    if condition == "exists":
        return _present(value)
    if condition == "equals":
        return _present(value) and value == expected
    if condition == "not_equals":
        return value != expected
    if condition == "is_in":
        return _present(value) and _contains(value, expected)
    return _present(value) and not _contains(value, expected)  # is_not_in


def ctx_values(items, context):
    """The template variables a ``ctx`` list names."""
    values = {}
    for item in items or ():
        if "method" in item:
            values[item.get("name", item["method"])] = context.method(item["method"])
        else:
            value = value_at(context.data, item["path"])
            values[item["name"]] = None if value is _MISSING else value
    return values


def render(sandboxes, part, ctx, context, kind):
    """Render a subject, body or formatted address with the sandbox of ``kind``."""
    values = {**ctx, **ctx_values(part.get("ctx"), context)}
    return sandboxes.template(kind, part).render(values).strip()


def _addresses(entry, ctx, context, sandboxes):
    if isinstance(entry, str):
        return [entry]
    if ("checks" in entry) and not check_holds(entry, context):
        return []
    found = []
    methods = entry.get("method", [])
    for name in methods if isinstance(methods, list) else [methods]:
        found += context.recipients(name)
    mails = entry.get("mails", {})
    found += mails.get("default", [])
    found += [render(sandboxes, part, ctx, context, "plain") for part in mails.get("formatted", [])]
    return found


@dataclass
class Message:
    """One message a rule produced (or the reason it could not be built)."""

    subject: str = ""
    body: str = ""
    html: bool = False
    recipients: dict = field(default_factory=dict)
    error: str | None = None

    @property
    def addresses(self):
        """Everyone the message goes to."""
        return [a for key in ("to", "cc", "bcc") for a in self.recipients.get(key, [])]


def _unique(addresses):
    seen, result = set(), []
    for address in addresses:
        address = address.strip()
        if address and address.lower() not in seen:
            seen.add(address.lower())
            result.append(address)
    return result


def build_message(message, context, sandboxes):
    """The :class:`Message` of one rule; a template that fails gives its ``error``."""
    ctx = {**context.defaults(), **ctx_values(message.get("ctx"), context)}
    body = message.get("body", DEFAULT_BODY)
    html = not body.get("plain", False)
    result = Message(html=html)
    try:
        subject = message.get("subject", DEFAULT_SUBJECT)
        result.subject = " ".join(render(sandboxes, subject, ctx, context, "plain").split())
        result.body = render(sandboxes, body, ctx, context, "html" if html else "plain")
        spec = message.get("recipients", {})
        for key in ("to", "cc", "bcc"):
            entries = spec.get(key, []) + (spec.get("recipients", []) if key == "to" else [])
            result.recipients[key] = _unique(
                address
                for entry in entries
                for address in _addresses(entry, ctx, context, sandboxes)
            )
    except TemplateError as problem:  # a sandbox refusal is a TemplateError too
        result.error = f"Template error: {problem}"
    return result


def build_messages(rules, action, context, sandboxes):
    """Every message ``rules`` define for ``action`` (empty lists of addresses dropped)."""
    messages = (rules or {}).get("actions", {}).get(action, [])
    built = [build_message(message, context, sandboxes) for message in messages]
    return [message for message in built if message.error or message.addresses]
