"""A Zenodo deposition's metadata from a record's citation (a pure mapping).

Zenodo's ``related_identifiers`` take DOI, arXiv, Handle, ISBN and URL
identifiers with the generic schema's relation names as they are.
"""

from ..exports.formats.identifiers import collaboration, related_value

UPLOAD_TYPE = "dataset"


def zenodo_metadata(citation, license_id):
    """The ``metadata`` of a deposition for a :class:`~..exports.citation.Citation`."""
    creators = []
    for person in citation.creators:
        creator = {"name": f"{person.family}, {person.given}" if person.given else person.name}
        if person.orcid:
            creator["orcid"] = person.orcid
        if person.affiliation:
            creator["affiliation"] = person.affiliation
        creators.append(creator)
    metadata = {
        "upload_type": UPLOAD_TYPE,
        "title": citation.title,
        "creators": creators or [{"name": collaboration(citation)}],
        "description": citation.description or citation.title,
        "publication_date": citation.published,
        "access_right": "open",
        "license": license_id,
        "version": citation.recid,
        "related_identifiers": [
            {"identifier": citation.url, "relation": "isIdenticalTo", "scheme": "url"},
            *({"identifier": related_value(r), "relation": r.relation}
              for r in citation.related),
        ],
    }
    if citation.keywords:
        metadata["keywords"] = list(citation.keywords)
    return metadata
