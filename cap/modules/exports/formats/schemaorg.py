"""schema.org JSON-LD: a ``Dataset``, as search engines read it from a page."""

from .identifiers import ORCID_URL, ROR_URL, collaboration, related_url


def _person(person):
    body = {"@type": "Person", "name": person.name, "givenName": person.given,
            "familyName": person.family}
    if person.orcid:
        body["@id"] = ORCID_URL.format(person.orcid)
    if person.affiliation:
        organisation = {"@type": "Organization", "name": person.affiliation}
        if person.ror:
            organisation["@id"] = ROR_URL.format(person.ror)
        body["affiliation"] = organisation
    return body


def schemaorg_json_ld(citation):
    """The schema.org JSON-LD of a :class:`~..citation.Citation`."""
    body = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": citation.url,
        "url": citation.url,
        "identifier": [citation.recid, *(value for _, value in citation.identifiers)],
        "name": citation.title,
        "datePublished": citation.published,
        "publisher": {"@type": "Organization", "name": citation.publisher},
        "version": citation.schema_version,
        "additionalType": citation.resource_type,
        "creator": [_person(p) for p in citation.creators]
        or [{"@type": "Organization", "name": collaboration(citation)}],
    }
    if citation.doi:
        body["sameAs"] = f"https://doi.org/{citation.doi}"
    if citation.description:
        body["description"] = citation.description
    if citation.keywords:
        body["keywords"] = list(citation.keywords)
    if citation.experiment:
        body["sourceOrganization"] = {"@type": "Organization",
                                      "name": f"{citation.experiment} Collaboration"}
    if citation.related:
        body["citation"] = [related_url(r) for r in citation.related]
    return body
