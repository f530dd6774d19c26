"""Compare a rerun's outputs with the preserved ones.

Equal checksums are equal files. Declared result tables (``.json``,
``.yaml``/``.yml``) whose bytes differ are compared as data: same keys,
same list lengths, equal strings, and numbers equal within a relative
tolerance (a rerun on other hardware may differ in the last digits). Other
files must be byte-identical.
"""

import hashlib
import json
import math

import yaml

TABLE_SUFFIXES = (".json", ".yaml", ".yml")


def md5(content):
    """Checksum in files-rest's form (``md5:<hex>``)."""
    return f"md5:{hashlib.md5(content).hexdigest()}"  # noqa: S324 (files-rest's checksum)


def _load(path, content):
    text = content.decode("utf-8")
    return json.loads(text) if path.endswith(".json") else yaml.safe_load(text)


def _number(value):
    return isinstance(value, int | float) and not isinstance(value, bool)


def _diff(old, new, where, tolerance, found):
    if _number(old) and _number(new):
        if not math.isclose(old, new, rel_tol=tolerance, abs_tol=tolerance):
            found.append({"path": where, "preserved": old, "rerun": new})
    elif isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new), key=str):
            if key not in old or key not in new:
                found.append({"path": f"{where}/{key}", "preserved": old.get(key),
                              "rerun": new.get(key)})
            else:
                _diff(old[key], new[key], f"{where}/{key}", tolerance, found)
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            _diff(a, b, f"{where}/{index}", tolerance, found)
    elif old != new:
        found.append({"path": where or "/", "preserved": old, "rerun": new})


def compare_file(path, preserved_checksum, content, preserved_content, tolerance):
    """``None`` when the rerun's ``content`` matches, else what differs."""
    if md5(content) == preserved_checksum:
        return None
    if path.endswith(TABLE_SUFFIXES) and preserved_content is not None:
        try:
            old, new = _load(path, preserved_content), _load(path, content)
        except (UnicodeDecodeError, ValueError, yaml.YAMLError):
            pass
        else:
            found = []
            _diff(old, new, "", tolerance, found)
            if not found:
                return None
            return {"file": path, "reason": "values differ beyond the tolerance",
                    "values": found[:20]}
    return {"file": path, "reason": "checksum differs", "preserved": preserved_checksum,
            "rerun": md5(content)}
