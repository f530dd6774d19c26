"""What changed between two revisions of a record: metadata fields and files.

Plain functions on JSON, no database: the service reads both revisions and
hands their metadata and frozen file lists here. Paths are lists of strings,
array indexes included (the error ``field`` shape), so a client shows them
with the same code.
"""

MISSING = object()


def metadata_changes(old, new, path=()):
    """``[{field, op, old?, new?}]`` turning ``old`` into ``new``.

    ``op`` is ``added``, ``removed`` or ``changed``. Objects are compared key by
    key in sorted order (the stored JSON keeps no key order; the UI puts the
    changes in its form's order), arrays index by index; any other value is a
    leaf, reported whole.
    """
    if isinstance(old, dict) and isinstance(new, dict):
        return [
            change
            for key in sorted(old.keys() | new.keys())
            for change in metadata_changes(old.get(key, MISSING), new.get(key, MISSING),
                                           (*path, str(key)))
        ]
    if isinstance(old, list) and isinstance(new, list):
        return [
            change
            for index in range(max(len(old), len(new)))
            for change in metadata_changes(
                old[index] if index < len(old) else MISSING,
                new[index] if index < len(new) else MISSING,
                (*path, str(index)),
            )
        ]
    if old is MISSING and new is MISSING or old == new:
        return []
    if old is MISSING:
        return [{"field": list(path), "op": "added", "new": new}]
    if new is MISSING:
        return [{"field": list(path), "op": "removed", "old": old}]
    return [{"field": list(path), "op": "changed", "old": old, "new": new}]


def file_changes(old_files, new_files):
    """``[{key, op, old_checksum?, new_checksum?}]`` between two frozen file lists, by key."""
    old = {entry["key"]: entry.get("checksum") for entry in old_files or ()}
    new = {entry["key"]: entry.get("checksum") for entry in new_files or ()}
    changes = []
    for key in sorted(old.keys() | new.keys()):
        if key not in old:
            changes.append({"key": key, "op": "added", "new_checksum": new[key]})
        elif key not in new:
            changes.append({"key": key, "op": "removed", "old_checksum": old[key]})
        elif old[key] != new[key]:
            changes.append({"key": key, "op": "changed", "old_checksum": old[key],
                            "new_checksum": new[key]})
    return changes
