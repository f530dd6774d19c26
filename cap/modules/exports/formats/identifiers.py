"""Identifier schemes as the export formats name and resolve them (one table)."""

ORCID_URL = "https://orcid.org/{}"
ROR_URL = "https://ror.org/{}"

RELATED_SCHEMES = {
    "doi": ("DOI", "https://doi.org/{}"),
    "arxiv": ("arXiv", "https://arxiv.org/abs/{}"),
    "url": ("URL", "{}"),
    "handle": ("Handle", "https://hdl.handle.net/{}"),
    "isbn": ("ISBN", "urn:isbn:{}"),
    "cds": ("URL", "https://cds.cern.ch/record/{}"),
    "inspire": ("URL", "https://inspirehep.net/literature/{}"),
    "zenodo": ("URL", "https://zenodo.org/records/{}"),
}
"""Scheme of the generic schema -> (DataCite ``relatedIdentifierType``, URL
template). CDS, INSPIRE and Zenodo record numbers have no DataCite type of
their own: they are given as their URL."""


def related_type(related):
    """The DataCite ``relatedIdentifierType`` of a :class:`~..citation.Related`."""
    return RELATED_SCHEMES[related.scheme][0]


def related_value(related):
    """The identifier as DataCite expects it for its type (a URL where the
    scheme has no DataCite type)."""
    kind, template = RELATED_SCHEMES[related.scheme]
    return template.format(related.identifier) if kind == "URL" else related.identifier


def related_url(related):
    """A resolvable URL of a :class:`~..citation.Related`."""
    return RELATED_SCHEMES[related.scheme][1].format(related.identifier)


def relation_type(related):
    """DataCite's spelling of the relation (``isPartOf`` -> ``IsPartOf``)."""
    return related.relation[:1].upper() + related.relation[1:]


def collaboration(citation):
    """The author of last resort: the experiment's collaboration, else the publisher."""
    return f"{citation.experiment} Collaboration" if citation.experiment else citation.publisher
