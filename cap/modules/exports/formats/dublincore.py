"""Dublin Core as OAI-PMH's ``oai_dc`` (simple DC, one element per value)."""

from lxml import etree

from .identifiers import collaboration, related_url

OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd"

DCMI_TYPE = "Dataset"
"""DCMI Type Vocabulary term of an analysis record."""


def dublin_core(citation):
    """``[(element, value)]`` of a :class:`~..citation.Citation`, in DC order."""
    creators = [f"{p.family}, {p.given}" if p.given else p.name for p in citation.creators]
    return [
        ("title", citation.title),
        *(("creator", name) for name in creators or [collaboration(citation)]),
        *(("subject", word) for word in citation.keywords),
        *([("description", citation.description)] if citation.description else []),
        ("publisher", citation.publisher),
        ("date", citation.published),
        ("type", DCMI_TYPE),
        ("type", citation.resource_type),
        ("identifier", citation.url),
        ("identifier", citation.recid),
        *([("identifier", f"doi:{citation.doi}")] if citation.doi else []),
        *(("identifier", f"{scheme}:{value}") for scheme, value in citation.identifiers),
        *(("relation", related_url(r)) for r in citation.related),
    ]


def dublin_core_element(citation):
    """The ``oai_dc:dc`` element of a :class:`~..citation.Citation`."""
    root = etree.Element(f"{{{OAI_DC}}}dc", nsmap={"oai_dc": OAI_DC, "dc": DC, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    for name, value in dublin_core(citation):
        etree.SubElement(root, f"{{{DC}}}{name}").text = value
    return root


def dublin_core_xml(citation):
    """The ``oai_dc`` XML document of a :class:`~..citation.Citation`."""
    return etree.tostring(dublin_core_element(citation), xml_declaration=True,
                          encoding="UTF-8", pretty_print=True).decode()
