"""Files on disk that no file instance points at: left by an upload whose
process died (a killed web worker, a lost machine) before its transaction
committed. The database rolled back; the bytes written so far stay behind.

Only locations on a local file system are walked. A file younger than the
grace period may be an upload still running, so it is kept.
"""

import os
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from invenio_db import db
from invenio_files_rest.models import FileInstance, Location

from ..access.policies import PermissionPolicy


class OrphanFilesPermissionPolicy(PermissionPolicy):
    """Removing stray files: superusers and the system identity only."""

    can_remove_orphans = []


@dataclass(frozen=True)
class Orphan:
    """A file on disk with no file instance."""

    path: str
    size: int
    age_seconds: float


def local_root(location):
    """The folder of a local location (``/data`` or ``file:///data``), else None."""
    parts = urlsplit(location.uri)
    if parts.scheme in ("", "file"):
        return parts.path
    return None


def files_under(root):
    """Every file path below ``root``."""
    for folder, _, names in os.walk(root):
        for name in names:
            yield os.path.join(folder, name)


def known_uris(paths):
    """Which of ``paths`` (and their ``file://`` forms) a file instance points at."""
    candidates = {*paths, *(f"file://{path}" for path in paths)}
    rows = db.session.query(FileInstance.uri).filter(FileInstance.uri.in_(candidates))
    return {uri.removeprefix("file://") for (uri,) in rows}


def find_orphans(grace_seconds, batch=1000):
    """Files under every local location that no file instance points at,
    last written more than ``grace_seconds`` ago."""
    now = time.time()
    for location in Location.query.all():
        root = local_root(location)
        if not root or not os.path.isdir(root):
            continue
        paths = list(files_under(root))
        for start in range(0, len(paths), batch):
            chunk = paths[start:start + batch]
            known = known_uris(chunk)
            for path in chunk:
                if path in known:
                    continue
                stat = os.stat(path)
                age = now - stat.st_mtime
                if age > grace_seconds:
                    yield Orphan(path=path, size=stat.st_size, age_seconds=age)


def remove_empty_folders(path, root):
    """Remove the folders of ``path`` up to ``root`` that are left empty."""
    folder = os.path.dirname(path)
    while folder.startswith(root) and folder != root:
        try:
            os.rmdir(folder)
        except OSError:
            return
        folder = os.path.dirname(folder)


class OrphanFilesService:
    """Finds and removes files no file instance points at."""

    def remove(self, identity, grace_seconds, dry_run=False):
        """Remove (or, on a dry run, only list) the orphan files; returns them."""
        OrphanFilesPermissionPolicy("remove_orphans").require(identity)
        roots = [root for root in map(local_root, Location.query.all()) if root]
        orphans = list(find_orphans(grace_seconds))
        if not dry_run:
            for orphan in orphans:
                os.remove(orphan.path)
                root = next((r for r in roots if orphan.path.startswith(r)), None)
                if root:
                    remove_empty_folders(orphan.path, root)
        return orphans
