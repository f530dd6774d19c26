"""Highwire Press ``<meta name="citation_*">`` tags, as Google Scholar and
Zotero read them from a record's page."""


def citation_meta(citation):
    """``[(name, content)]`` of a :class:`~..citation.Citation`, in tag order."""
    tags = [("citation_title", citation.title)]
    for person in citation.creators:
        tags.append(("citation_author",
                     f"{person.family}, {person.given}" if person.given else person.name))
        if person.affiliation:
            tags.append(("citation_author_institution", person.affiliation))
        if person.orcid:
            tags.append(("citation_author_orcid", person.orcid))
    tags += [
        ("citation_publication_date", citation.published.replace("-", "/")),
        ("citation_publisher", citation.publisher),
        ("citation_technical_report_number", citation.recid),
        ("citation_abstract_html_url", citation.url),
    ]
    if citation.doi:
        tags.append(("citation_doi", citation.doi))
    if citation.keywords:
        tags.append(("citation_keywords", "; ".join(citation.keywords)))
    if citation.description:
        tags.append(("description", citation.description))
    return tags
