"""Where things are in a package, in both layouts, and the bag around them.

A package is a BagIt 1.0 bag. Its payload (``data/``) holds, in the plain
``bagit`` layout::

    cap-package.json            what this package is: recid, draft id, schema, revisions
    ro-crate-metadata.json      RO-Crate 1.1 description of all of it
    revisions/<n>/metadata.json the record's JSON at revision n (system keys included)
    revisions/<n>/files/<key>   the record's files at revision n
    schema/definitions.json     the schema definitions (and those it $refs), to register
    schema/record-schema.json   the JSON Schema the record validates against, $refs resolved
    access.json                 who may read, update, administer (e-mails and e-groups)
    history.json                every revision of the record: when, and its files
    users.json                  {user id: e-mail} of the ids the JSON holds

The ``archivematica`` layout is an Archivematica transfer inside the bag:
the same files under ``data/objects/``, and ``data/metadata/metadata.json``
(Dublin Core, one entry for the whole of ``objects/``).
"""

import json
import zipfile
from pathlib import Path

import bagit

from ..core.errors import InvalidRequestError, field_error

BAGIT, ARCHIVEMATICA = "bagit", "archivematica"
LAYOUTS = (BAGIT, ARCHIVEMATICA)
PACKAGE_FILE = "cap-package.json"
PACKAGE_FORMAT = "cap-package"
PACKAGE_FORMAT_VERSION = 1
CHECKSUMS = ("sha256", "md5")


def content_root(payload, layout):
    """The folder of the package's own files inside the payload folder."""
    return Path(payload) / "objects" if layout == ARCHIVEMATICA else Path(payload)


def revision_folder(revision_id):
    """``revisions/<n>``, relative to the content root."""
    return Path("revisions") / str(revision_id)


def write_json(path, data):
    """Write ``data`` as indented UTF-8 JSON (keys sorted, for stable manifests)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                    encoding="utf-8")


def dublin_core(package):
    """Archivematica's ``metadata/metadata.json``: Dublin Core of the whole transfer."""
    metadata = package["metadata"]
    return [{
        "filename": "objects/",
        "dc.title": package["title"],
        "dc.identifier": package["recid"],
        "dc.creator": [person["name"] for person in package["people"]],
        "dc.subject": [str(word) for word in metadata.get("keywords") or []],
        "dc.description": package["description"],
        "dc.publisher": package["publisher"],
        "dc.date": package["published"],
        "dc.type": "Dataset",
        "dc.format": "BagIt; RO-Crate 1.1",
        "dc.relation": package["schema"]["url"],
        "dc.rights": package["license"],
    }]


def make_bag(folder, bag_info, processes=1):
    """Turn ``folder`` into a bag in place (its content moves under ``data/``)."""
    return bagit.make_bag(str(folder), bag_info, processes=processes, checksums=list(CHECKSUMS))


def zip_folder(folder, target):
    """Zip ``folder``'s content into ``target`` (paths relative to the folder)."""
    folder = Path(folder)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())


def unzip(archive_path, target):
    """Extract a zipped package into ``target``, refusing paths that leave it."""
    target = Path(target).resolve()
    try:
        with zipfile.ZipFile(archive_path) as archive:
            for name in archive.namelist():
                if not (target / name).resolve().is_relative_to(target):
                    raise InvalidRequestError(
                        "The package holds a path outside itself.",
                        [field_error(["package", name], "A path outside the package.")],
                    )
            archive.extractall(target)
    except zipfile.BadZipFile as error:
        raise InvalidRequestError(
            "The package is not a zip file or a folder.", [field_error(["package"], str(error))]
        ) from None
    # A zip of a bag folder (rather than of its content) has that folder inside.
    entries = list(target.iterdir())
    if len(entries) == 1 and entries[0].is_dir() and (entries[0] / "bagit.txt").exists():
        return entries[0]
    return target


def open_bag(folder, processes=1):
    """The valid bag at ``folder``; :class:`InvalidRequestError` naming what is wrong."""
    try:
        bag = bagit.Bag(str(folder))
        bag.validate(processes=processes)
    except bagit.BagValidationError as error:
        details = [
            field_error(["package", str(getattr(detail, "path", ""))], str(detail))
            for detail in error.details
        ] or [field_error(["package"], error.message)]
        raise InvalidRequestError(f"The package is not a valid bag: {error.message}",
                                  details) from None
    except bagit.BagError as error:
        raise InvalidRequestError(
            "The package is not a bag.", [field_error(["package"], str(error))]
        ) from None
    return bag


def find_layout(payload):
    """``(layout, content root)`` of a bag's payload folder (by where cap-package.json is)."""
    for layout in LAYOUTS:
        root = content_root(payload, layout)
        if (root / PACKAGE_FILE).is_file():
            return layout, root
    raise InvalidRequestError(
        "The bag is not a CAP package.",
        [field_error(["package", PACKAGE_FILE], "Missing from data/ and data/objects/.")],
    )
