"""Where each schema family keeps what a citation needs: one table per family.

A family is the schema name (every version of it; a version that moved a
field lists both paths, the first found wins). Each entry names JSON paths
(dots between keys) into the record's user metadata:

- ``title``, ``description``: strings;
- ``people``: lists of ``{name, orcid, affiliation, ror}`` objects (the
  people schema every shipped type shares), in citation order;
- ``keywords``: strings, lists of strings, or objects of such lists (a
  CMS ``analysis_keywords`` object: every list in it counts);
- ``related``: lists of ``{identifier, scheme, relation}`` (generic's
  ``related_identifiers``);
- ``identifiers``: ``(path, scheme)`` pairs, the experiment's own ids of the
  analysis (CADI, Glance), exported as alternate identifiers.

A schema no table names gets :data:`DEFAULT`: ``general_title`` and nothing
else, which every shipped type has.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Family:
    """The paths of one schema family (see the module documentation)."""

    title: tuple = ("general_title",)
    description: tuple = ()
    people: tuple = ()
    keywords: tuple = ()
    related: tuple = ()
    identifiers: tuple = ()


DEFAULT = Family()

FAMILIES = {
    "generic": Family(
        title=("general_title", "title"),
        description=("description",),
        people=("people",),
        keywords=("keywords",),
        related=("related_identifiers",),
    ),
    "cms-analysis": Family(
        title=("general_title", "basic_info.analysis_title"),
        description=("basic_info.abstract", "cadi_info.description"),
        people=("basic_info.people_info",),
        keywords=("basic_info.analysis_keywords",),
        identifiers=(("basic_info.cadi_id", "CADI"),),
    ),
    "cms-stats-questionnaire": Family(
        title=("general_title", "analysis_context.analysis_title"),
        description=("analysis_context.analysis_summary", "analysis_context.summary"),
        identifiers=(("analysis_context.cadi_id", "CADI"),),
    ),
    "atlas-analysis": Family(
        title=("general_title", "basic_info.analysis_title"),
        description=("basic_info.abstract",),
        people=("basic_info.people_info",),
        identifiers=(("basic_info.glance_id", "Glance"),),
    ),
    "atlas-workflows": Family(
        title=("general_title", "basic_info.workflow_title"),
        description=("basic_info.description",),
        people=("basic_info.people_info",),
        identifiers=(("basic_info.glance_id", "Glance"),),
    ),
    "lhcb": Family(
        title=("general_title", "basic_info.analysis_title"),
        description=("basic_info.measurement",),
        people=("basic_info.proponents", "basic_info.analysis_proponents"),
        keywords=("basic_info.keywords",),
    ),
    "alice-analysis": Family(
        title=("general_title", "basic_info.analysis_title"),
        description=("basic_info.abstract", "basic_info.description"),
        people=("basic_info.people_info",),
        keywords=("basic_info.keywords",),
    ),
}
"""Schema name -> :class:`Family`."""


def family_of(schema_name):
    """The table of ``schema_name`` (:data:`DEFAULT` for a schema no table names)."""
    return FAMILIES.get(schema_name, DEFAULT)
