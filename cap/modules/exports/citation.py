"""What every export format says about a record: one neutral citation.

:func:`citation_of` reads a record item through its family's table
(:mod:`.families`); each format (:mod:`.formats`) is then a pure function
of the :class:`Citation`, so a new schema family is one table entry and a
new format one function.
"""

from dataclasses import dataclass

from ..records.api import user_metadata
from .families import family_of


@dataclass(frozen=True)
class Person:
    """A creator: ``name`` as written, split into ``given``/``family``."""

    name: str
    given: str
    family: str
    orcid: str | None = None
    affiliation: str | None = None
    ror: str | None = None


@dataclass(frozen=True)
class Related:
    """A related resource: ``scheme`` (doi, arxiv, url...) and ``relation`` as
    the generic schema spells them (``isDocumentedBy``...)."""

    identifier: str
    scheme: str
    relation: str


@dataclass(frozen=True)
class Citation:
    """A published record as citations see it."""

    recid: str
    url: str
    title: str
    publisher: str
    published: str
    """Date of first publication, ``YYYY-MM-DD``."""
    schema_name: str
    schema_version: str
    resource_type: str
    """What the record is, in words: the schema's full name (``CMS Analysis``)."""
    experiment: str | None = None
    description: str | None = None
    creators: tuple = ()
    keywords: tuple = ()
    related: tuple = ()
    identifiers: tuple = ()
    """``(scheme, value)`` pairs: the experiment's own ids (CADI, Glance)."""
    doi: str | None = None
    """The DOI Zenodo minted for the record, once published there."""

    @property
    def year(self):
        """The year of publication, as a string."""
        return self.published[:4]


def value_at(metadata, path):
    """The value at a dotted ``path`` of ``metadata`` (``None`` when absent)."""
    value = metadata
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _first_text(metadata, paths):
    for path in paths:
        value = value_at(metadata, path)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def split_name(name):
    """``(given, family)`` of ``"Family, Given"`` or ``"Given Family"``."""
    if "," in name:
        family, _, given = name.partition(",")
        return given.strip(), family.strip()
    given, _, family = name.rpartition(" ")
    return given.strip(), family.strip()


def _person(entry):
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        return None
    given, family = split_name(name.strip())

    def text(key):
        value = entry.get(key)
        return value.strip() if isinstance(value, str) and value.strip() else None

    return Person(name=name.strip(), given=given, family=family, orcid=text("orcid"),
                  affiliation=text("affiliation"), ror=text("ror"))


def _people(metadata, paths):
    for path in paths:
        entries = value_at(metadata, path)
        if isinstance(entries, list):
            people = [p for p in (_person(e) for e in entries if isinstance(e, dict)) if p]
            if people:
                return tuple(people)
    return ()


def _words(value):
    if isinstance(value, str):
        return [word.strip() for word in value.split(",") if word.strip()]
    if isinstance(value, list):
        return [word for item in value for word in _words(item)]
    if isinstance(value, dict):
        return [word for item in value.values() for word in _words(item)]
    return []


def _keywords(metadata, paths):
    words = [word for path in paths for word in _words(value_at(metadata, path))]
    return tuple(dict.fromkeys(words))


def _related(metadata, paths):
    found = []
    for path in paths:
        for entry in value_at(metadata, path) or []:
            if isinstance(entry, dict) and all(
                isinstance(entry.get(key), str) and entry[key].strip()
                for key in ("identifier", "scheme", "relation")
            ):
                found.append(Related(entry["identifier"].strip(), entry["scheme"],
                                     entry["relation"]))
    return tuple(found)


def _identifiers(metadata, pairs):
    return tuple(
        (scheme, value)
        for value, scheme in ((_first_text(metadata, (path,)), scheme) for path, scheme in pairs)
        if value
    )


def citation_of(item, url, publisher):
    """The :class:`Citation` of a record item, found at ``url``."""
    data = item.data
    schema = item.schema_info or {}
    metadata = user_metadata(data)
    family = family_of(schema.get("name"))
    recid = data["control_number"]
    return Citation(
        recid=recid,
        url=url,
        title=_first_text(metadata, family.title) or recid,
        publisher=publisher,
        published=(item.created or "")[:10],
        schema_name=schema.get("name", ""),
        schema_version=schema.get("version", ""),
        resource_type=schema.get("fullname") or schema.get("name", ""),
        experiment=data.get("_experiment"),
        description=_first_text(metadata, family.description),
        creators=_people(metadata, family.people),
        keywords=_keywords(metadata, family.keywords),
        related=_related(metadata, family.related),
        identifiers=_identifiers(metadata, family.identifiers),
        doi=(data.get("_zenodo") or {}).get("doi"),
    )
