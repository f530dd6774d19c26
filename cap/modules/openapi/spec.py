"""Build the OpenAPI 3.1 description from the API app's URL map.

The routes (paths, methods, path parameters and their converters) come from
the app itself, so every endpoint any module registers is described; the
summary and description are the view's docstring; errors are the one error
shape of :mod:`cap.modules.core.errors`; :mod:`.operations` adds query
parameters, bodies and success schemas.
"""

import inspect
import re

from werkzeug.utils import import_string

from .components import SCHEMAS, SECURITY_SCHEMES
from .operations import OPERATIONS, SKIPPED_ENDPOINTS, Media, ref

CONVERTER_SCHEMAS = {
    "default": {"type": "string", "minLength": 1, "pattern": "^[^/]+$"},
    "string": {"type": "string", "minLength": 1, "pattern": "^[^/]+$"},
    "path": {"type": "string", "minLength": 1},
    "int": {"type": "integer", "minimum": 0},
    "uuid": {"type": "string", "format": "uuid"},
}
WRITE_METHODS = {"POST", "PUT", "PATCH"}
ERROR_ANSWERS = {
    "4XX": "Refused: the body says why (field errors name the field).",
    "5XX": "A service CAP depends on is unavailable or timed out, or the storage is full.",
}


def openapi_path(rule):
    """``/deposits/<pid>/files/<path:key>`` -> ``/deposits/{pid}/files/{key}``."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)


def path_parameters(rule, enums):
    """The path parameters of a rule, typed by their converters."""
    parameters = []
    for name, converter in converters_of(rule):
        schema = dict(CONVERTER_SCHEMAS.get(converter, CONVERTER_SCHEMAS["default"]))
        if name in enums:
            schema = {"type": "string", "enum": sorted(import_string(enums[name]))}
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    return parameters


RULE_PART = re.compile(
    r"<(?:(?P<converter>[a-zA-Z_][a-zA-Z0-9_]*)(?:\([^)]*\))?:)?(?P<name>[^<>]+)>"
)
"""A variable part of a werkzeug rule: ``<name>``, ``<path:key>``, ``<pid(recid):value>``."""


def converters_of(rule):
    """(name, converter name) of each variable part of a rule, in order."""
    return [
        (match.group("name"), match.group("converter") or "default")
        for match in RULE_PART.finditer(rule.rule)
    ]


def docstring_parts(view):
    """(summary, description) from a view function's docstring."""
    doc = inspect.getdoc(view) or ""
    summary, _, rest = doc.partition("\n")
    return summary.strip(), rest.strip()


def content(schema):
    """The content map of an answer: JSON of ``schema``, a :class:`Media` map as it
    is, ``None`` for an answer without a body."""
    if schema is None or isinstance(schema, Media):
        return schema
    return {"application/json": {"schema": schema}}


def operation_of(app, rule, method):
    """The OpenAPI operation of one rule and method."""
    extra = OPERATIONS.get(f"{rule.endpoint} {method}", {})
    view = app.view_functions[rule.endpoint]
    summary, description = docstring_parts(view)
    default_success = {"201" if method == "POST" else "200": {}}
    responses = {}
    for status, schema in extra.get("success", default_success).items():
        responses[status] = {"description": "Success."}
        if content(schema):
            responses[status]["content"] = content(schema)
    for status, text in ERROR_ANSWERS.items():
        responses[status] = {"description": text, "content": content(ref("Error"))}
    operation = {
        "operationId": f"{rule.endpoint}.{method.lower()}",
        "tags": [rule.endpoint.split(".")[0]],
        "summary": summary or rule.endpoint,
        "parameters": path_parameters(rule, extra.get("enums", {})) + extra.get("parameters", []),
        "responses": responses,
    }
    if description:
        operation["description"] = description
    if method in WRITE_METHODS and "body" in extra:
        operation["requestBody"] = {
            "required": extra.get("body_required", True),
            "content": extra["body"],
        }
    return operation


def build_spec(app, server_url):
    """The whole description of ``app``'s routes, served under ``server_url``."""
    paths, operation_ids = {}, set()
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in SKIPPED_ENDPOINTS or rule.endpoint == "static":
            continue
        path = paths.setdefault(openapi_path(rule), {})
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method.lower() in path:
                continue  # two rules on one path and method: Flask serves the first
            operation = operation_of(app, rule, method)
            if operation["operationId"] in operation_ids:
                # One view behind several rules (with and without a version, say).
                names = "_".join(name for name, _ in converters_of(rule))
                operation["operationId"] += f".by_{names}"
            operation_ids.add(operation["operationId"])
            path[method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "CERN Analysis Preservation REST API",
            "version": app.config.get("CAP_API_VERSION", "1"),
            "description": "Drafts (deposits), published records, files, schemas and "
                           "look-ups. Errors all have the shape of `Error`.",
        },
        "servers": [{"url": server_url or "/"}],
        "security": [{}, {"bearerAuth": []}, {"sessionCookie": []}],
        "paths": paths,
        "components": {"schemas": SCHEMAS, "securitySchemes": SECURITY_SCHEMES},
    }
