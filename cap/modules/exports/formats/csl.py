"""CSL-JSON (Citation Style Language data), as citation managers import it."""

from .identifiers import collaboration


def _date_parts(published):
    return {"date-parts": [[int(part) for part in published.split("-")]]}


def csl_json(citation):
    """The CSL-JSON item of a :class:`~..citation.Citation` (a list of one)."""
    item = {
        "id": citation.recid,
        "type": "dataset",
        "title": citation.title,
        "publisher": citation.publisher,
        "genre": citation.resource_type,
        "issued": _date_parts(citation.published),
        "URL": citation.url,
        "author": [
            {"family": p.family, "given": p.given} if p.given else {"literal": p.name}
            for p in citation.creators
        ] or [{"literal": collaboration(citation)}],
    }
    if citation.doi:
        item["DOI"] = citation.doi
    if citation.description:
        item["abstract"] = citation.description
    if citation.keywords:
        item["keyword"] = ", ".join(citation.keywords)
    if citation.identifiers:
        item["number"] = ", ".join(value for _, value in citation.identifiers)
    return [item]
