"""REANA specifications (``reana.yaml``): read, build and check before sending.

The shape is REANA's: ``version``, ``inputs: {files, directories,
parameters}``, ``workflow: {type, file | specification}``, ``outputs:
{files, directories}``. Every problem is named by its path under
``specification`` so the answer says which line of ``reana.yaml`` to fix.
"""

import json

import yaml

from ..core.errors import ValidationError, field_error

ENGINES = ("serial", "cwl", "yadage", "snakemake")
FILE_BASED_ENGINES = ("cwl", "yadage", "snakemake")


def parse(key, content):
    """The specification in the file ``key`` (YAML or JSON bytes)."""
    try:
        text = content.decode("utf-8")
        data = json.loads(text) if key.endswith(".json") else yaml.safe_load(text)
    except (UnicodeDecodeError, ValueError, yaml.YAMLError) as error:
        message = f"{key} is not valid {'JSON' if key.endswith('.json') else 'YAML'}: {error}"
        raise ValidationError(message, [field_error(["specification"], message)]) from None
    return data


def from_section(entry):
    """A specification from one entry of a deposit's ``workflows`` (its ``reana_spec``;
    the entry's ``type`` when the spec names none)."""
    spec = entry.get("reana_spec")
    if not isinstance(spec, dict) or not spec:
        return None
    workflow = dict(spec.get("workflow") or {})
    workflow.setdefault("type", entry.get("type"))
    return {**spec, "workflow": workflow}


def _paths(errors, value, where):
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        errors.append(field_error(where, "must be a list of relative paths."))
        return []
    for index, path in enumerate(value):
        if path.startswith("/") or ".." in path.split("/"):
            errors.append(field_error([*where, str(index)], "must be a relative path "
                                                             "inside the workspace."))
    return value


def validate(spec):
    """``spec`` checked as REANA would take it; raises :class:`ValidationError`."""
    root = ["specification"]
    if not isinstance(spec, dict):
        message = "The specification must be an object (reana.yaml's top level)."
        raise ValidationError(message, [field_error(root, message)])
    errors = []
    unknown = sorted(set(spec) - {"version", "inputs", "workflow", "outputs", "tests"})
    for key in unknown:
        errors.append(field_error([*root, key], "is not a reana.yaml key."))
    inputs = spec.get("inputs") or {}
    if not isinstance(inputs, dict):
        errors.append(field_error([*root, "inputs"], "must be an object."))
        inputs = {}
    _paths(errors, inputs.get("files"), [*root, "inputs", "files"])
    _paths(errors, inputs.get("directories"), [*root, "inputs", "directories"])
    parameters = inputs.get("parameters")
    if parameters is not None and not isinstance(parameters, dict):
        errors.append(field_error([*root, "inputs", "parameters"], "must be an object."))
    workflow = spec.get("workflow")
    if not isinstance(workflow, dict):
        errors.append(field_error([*root, "workflow"], "is required: an object with a type."))
    else:
        engine = workflow.get("type")
        if engine not in ENGINES:
            errors.append(field_error([*root, "workflow", "type"],
                                      f"must be one of {', '.join(ENGINES)}."))
        elif engine == "serial":
            steps = (workflow.get("specification") or {}).get("steps")
            if not isinstance(steps, list) or not steps:
                errors.append(field_error([*root, "workflow", "specification", "steps"],
                                          "a serial workflow needs a list of steps."))
            else:
                for index, step in enumerate(steps):
                    commands = step.get("commands") if isinstance(step, dict) else None
                    if not isinstance(commands, list) or not commands or not all(
                        isinstance(c, str) for c in commands
                    ):
                        errors.append(field_error(
                            [*root, "workflow", "specification", "steps", str(index),
                             "commands"], "must be a list of shell commands."))
        elif not workflow.get("file") and not workflow.get("specification"):
            errors.append(field_error([*root, "workflow", "file"],
                                      f"a {engine} workflow needs its file or specification."))
    outputs = spec.get("outputs") or {}
    if not isinstance(outputs, dict):
        errors.append(field_error([*root, "outputs"], "must be an object."))
    else:
        _paths(errors, outputs.get("files"), [*root, "outputs", "files"])
    if errors:
        raise ValidationError("The workflow specification is not valid: fix the listed "
                              "fields.", errors)
    return spec


def declared_parameters(spec):
    """The parameters the specification declares, with their defaults."""
    return dict((spec.get("inputs") or {}).get("parameters") or {})


def input_files(spec):
    """Files the workflow needs in its workspace."""
    inputs = spec.get("inputs") or {}
    files = list(inputs.get("files") or [])
    workflow_file = (spec.get("workflow") or {}).get("file")
    if workflow_file and workflow_file not in files:
        files.append(workflow_file)
    return files


def output_files(spec):
    """Files the workflow declares as its results."""
    return list((spec.get("outputs") or {}).get("files") or [])
