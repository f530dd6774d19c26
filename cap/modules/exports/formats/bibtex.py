"""BibTeX: one ``@misc`` entry keyed by the record id."""

from ..latex import escape
from .identifiers import collaboration


def _names(citation):
    if not citation.creators:
        return "{" + escape(collaboration(citation)) + "}"  # braces: one corporate name
    return " and ".join(
        escape(f"{p.family}, {p.given}" if p.given else p.family) for p in citation.creators
    )


def bibtex(citation):
    """The BibTeX entry of a :class:`~..citation.Citation`."""
    fields = [
        ("author", _names(citation)),
        ("title", "{" + escape(citation.title) + "}"),  # inner braces keep its case
        ("howpublished", escape(citation.resource_type)),
        ("publisher", escape(citation.publisher)),
        ("year", citation.year),
        ("note", escape("; ".join(f"{scheme} {value}" for scheme, value in citation.identifiers))),
        ("keywords", escape(", ".join(citation.keywords))),
        ("abstract", escape(citation.description or "")),
        ("doi", escape(citation.doi or "")),
        ("url", escape(citation.url)),
    ]
    lines = [f"  {name} = {{{value}}}," for name, value in fields if value]
    return "\n".join([f"@misc{{{citation.recid},", *lines, "}"]) + "\n"
