"""Defaults of the packages module (``CAP_PACKAGES_*``)."""

CAP_PACKAGES_SOURCE_ORGANIZATION = "CERN Analysis Preservation"
"""``Source-Organization`` of every bag's ``bag-info.txt``."""

CAP_PACKAGES_LICENSE = "https://analysispreservation.cern.ch/terms"
"""The ``license`` of every package (RO-Crate root, Dublin Core ``dc.rights``):
preserved analyses follow their collaboration's terms."""

CAP_PACKAGES_PROCESSES = 1
"""Processes bagit uses to compute the manifests (the machine's cores are shared)."""

CAP_PACKAGES_BUILD_DIR = None
"""Where packages built in the background (``POST .../export/package/builds``)
are written; ``None``: ``<instance path>/packages``."""

CAP_PACKAGES_ARCHIVE_DIR = None
"""Where the scheduled export writes packages of newly published records (the
second-level archive); ``None``: the scheduled export does nothing."""

CAP_PACKAGES_ARCHIVE_LAYOUT = "archivematica"
"""Layout of the scheduled export's packages: ``bagit`` or ``archivematica``."""

CAP_PACKAGES_ARCHIVE_STATE = "last-export.json"
"""File in the archive folder remembering up to when records were exported."""

CAP_PACKAGES_PEOPLE_KEYS = ("people", "people_info", "proponents", "contacts")
"""Keys whose list items are people (any object with an ``orcid`` is one too)."""
