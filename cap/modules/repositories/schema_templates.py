"""The repository templates of a schema (``config.repositories``): what "Create
repository" makes for a draft.

One template per name, in either of two shapes:

- ours: ``{host, org_name, repo_name, description, private, event_type, license}``,
  where ``repo_name`` and ``description`` are texts whose ``{field.path}``
  placeholders are filled from the draft;
- legacy CAP's, read as it is: ``repo_name`` and ``description`` (or
  ``repo_description``) are ``{template | template_file, ctx}``, Jinja whose
  variables ``ctx`` names (``{var: {type: path, path}}`` or ``{var: {method:
  draft_url}}``, or the list form ``[{name, path}]``); a GitLab group may be
  given by its id (``org_id``); ``authentication: {type: cap | user}`` says
  whose token creates it: CAP's at the host (the default) or the user's
  linked account.

Legacy templates run in the notifications' Jinja sandbox, ``template_file``
read from ``CAP_REPOSITORIES_TEMPLATES_DIR`` only. Either way a placeholder
whose field is empty refuses with a 400 naming that field.
"""

import re
from dataclasses import dataclass

from jinja2 import TemplateError

from ..core.errors import InvalidRequestError, field_error
from .models import EVENT_TYPES
from .urls import NAME

PLACEHOLDER = re.compile(r"\{([\w.]+)\}")
CREDENTIALS = ("cap", "user")
"""``authentication.type``: CAP's token at the host, or the user's linked account."""
CTX_METHODS = ("draft_url",)
"""The ``ctx`` methods a legacy template may name."""


def field_text(deposit, path):
    """The draft's value at the dotted ``path`` as text; 400 naming the field when empty."""
    found = deposit
    for part in (path or "").split("."):
        found = found.get(part) if isinstance(found, dict) else None
    if found in (None, "") or isinstance(found, (dict, list)):
        message = f"Fill {path} first: the repository's name is made from it."
        raise InvalidRequestError(message, [field_error(path, message)])
    return str(found)


def fill_template(template, deposit):
    """``template`` with each ``{field.path}`` replaced by the draft's value there."""
    return PLACEHOLDER.sub(lambda match: field_text(deposit, match.group(1)), template or "")


def _config_error(name, key, message):
    message = f"The repository template {name!r} of this deposit type: {message}"
    return InvalidRequestError(message, [field_error(["config", "repositories", name, key],
                                                     message)])


def _ctx_items(ctx):
    """``(variable, spec)`` of a legacy ``ctx``: a dict by variable, or a list of ``{name}``."""
    if isinstance(ctx, dict):
        return list(ctx.items())
    return [(item.get("name") or item.get("method"), item) for item in ctx or ()]


@dataclass(frozen=True)
class RepositoryTemplate:
    """One template of ``config.repositories``, checked."""

    name: str
    host: str
    owner: str
    """The group (organisation) the repository is made in: its path, or a GitLab id."""
    owner_is_id: bool
    """``owner`` is legacy's ``org_id``: the group's path is known once it is made."""
    repo_name: object
    """Our ``{field.path}`` text, or legacy CAP's ``{template | template_file, ctx}``."""
    description: object
    private: bool
    event_type: str
    credentials: str
    license_template: str | None

    @classmethod
    def from_config(cls, name, config, hosts):
        """The template ``name`` of a schema config; 400 naming the key that is wrong."""
        if not isinstance(config, dict):
            raise _config_error(name, "host", "it is not an object.")
        host = config.get("host")
        if host not in hosts:
            raise _config_error(name, "host", f"{host!r} is none of {', '.join(hosts)}.")
        owner = config.get("org_name") or config.get("org_id")
        if owner in (None, ""):
            raise _config_error(name, "org_name", "it names no group (org_name or org_id).")
        repo_name = config.get("repo_name")
        description = config.get("description", config.get("repo_description", ""))
        for key, part in (("repo_name", repo_name), ("description", description)):
            cls._check_part(name, key, part)
        event_type = config.get("event_type", "release")
        if event_type not in EVENT_TYPES:
            raise _config_error(name, "event_type", f"one of {', '.join(EVENT_TYPES)}.")
        credentials = (config.get("authentication") or {}).get("type", "cap")
        if credentials not in CREDENTIALS:
            raise _config_error(name, "authentication", f"type is one of "
                                                        f"{', '.join(CREDENTIALS)}.")
        return cls(name=name, host=host, owner=str(owner),
                   owner_is_id=not config.get("org_name"), repo_name=repo_name,
                   description=description, private=bool(config.get("private", True)),
                   event_type=event_type, credentials=credentials,
                   license_template=config.get("license") or None)

    @staticmethod
    def _check_part(name, key, part):
        if key == "repo_name" and part in (None, ""):
            raise _config_error(name, key, "it has no repo_name.")
        if isinstance(part, str) or part is None:
            return
        if not isinstance(part, dict) or ("template" in part) == ("template_file" in part):
            raise _config_error(name, key, "a text, or {template or template_file, ctx}.")
        for variable, spec in _ctx_items(part.get("ctx")):
            if not isinstance(spec, dict) or not variable or not (
                    spec.get("path") or spec.get("method") in CTX_METHODS):
                raise _config_error(name, key, f"ctx {variable!r} needs a path or a method "
                                               f"({', '.join(CTX_METHODS)}).")

    def render(self, part, deposit, sandboxes, draft_url):
        """A name or description for ``deposit``."""
        if not isinstance(part, dict):
            return fill_template(part, deposit)
        values = {variable: draft_url if spec.get("method") == "draft_url"
                  else field_text(deposit, spec["path"])
                  for variable, spec in _ctx_items(part.get("ctx"))}
        try:
            return sandboxes.template("plain", part).render(values).strip()
        except TemplateError as error:  # TemplateNotFound included
            key = "repo_name" if part is self.repo_name else "description"
            raise _config_error(self.name, key, f"its template does not render ({error}).")

    def repository_name(self, deposit, sandboxes, draft_url):
        """The name the template makes for ``deposit``; 400 when it is none."""
        made = self.render(self.repo_name, deposit, sandboxes, draft_url)
        if not NAME.match(made):
            message = f"The template makes {made!r}, which is not a repository name."
            raise InvalidRequestError(message, [field_error("name", message)])
        return made
