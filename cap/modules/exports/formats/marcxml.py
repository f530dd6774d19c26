"""MARC 21 XML (the ``marc:record`` of the MARCXML slim schema), the format
CERN's CDS and INSPIRE take author lists in.

Fields: 024 other identifiers, 100/700 first/other authors ($a name, $u
affiliation, $0 ORCID), 245 title, 264 publication, 520 summary, 653 index
terms, 856 location, 980 collection.
"""

from lxml import etree

from .identifiers import collaboration

MARC = "http://www.loc.gov/MARC21/slim"
LEADER = "00000nmm a2200000 i 4500"
"""Leader of a new computer-file record (type ``m``), lengths left to readers."""


def _author(person):
    subfields = [("a", f"{person.family}, {person.given}" if person.given else person.name)]
    if person.affiliation:
        subfields.append(("u", person.affiliation))
    if person.orcid:
        subfields.append(("0", f"(orcid){person.orcid}"))
    return subfields


def marc_fields(citation):
    """``[(tag, ind1, ind2, [(code, value)])]`` of a :class:`~..citation.Citation`."""
    authors = [_author(p) for p in citation.creators]
    fields = [
        *([("024", "7", " ", [("a", citation.doi), ("2", "doi")])] if citation.doi else []),
        ("024", "7", " ", [("a", citation.recid), ("2", "CAP")]),
        *(("024", "7", " ", [("a", value), ("2", scheme)])
          for scheme, value in citation.identifiers),
    ]
    if authors:
        fields.append(("100", "1", " ", authors[0]))
        fields += [("700", "1", " ", author) for author in authors[1:]]
    else:
        fields.append(("110", "2", " ", [("a", collaboration(citation))]))
    fields += [
        ("245", "0", "0", [("a", citation.title)]),
        ("264", " ", "1", [("b", citation.publisher), ("c", citation.published)]),
    ]
    if citation.description:
        fields.append(("520", " ", " ", [("a", citation.description)]))
    fields += [("653", " ", " ", [("a", word)]) for word in citation.keywords]
    fields += [
        ("856", "4", "0", [("u", citation.url)]),
        ("980", " ", " ", [("a", citation.resource_type)]),
    ]
    return fields


def marcxml(citation):
    """The MARCXML ``record`` of a :class:`~..citation.Citation`."""
    record = etree.Element(f"{{{MARC}}}record", nsmap={None: MARC})
    etree.SubElement(record, f"{{{MARC}}}leader").text = LEADER
    etree.SubElement(record, f"{{{MARC}}}controlfield", tag="001").text = citation.recid
    for tag, ind1, ind2, subfields in marc_fields(citation):
        field = etree.SubElement(record, f"{{{MARC}}}datafield", tag=tag, ind1=ind1, ind2=ind2)
        for code, value in subfields:
            etree.SubElement(field, f"{{{MARC}}}subfield", code=code).text = value
    return etree.tostring(record, xml_declaration=True, encoding="UTF-8",
                          pretty_print=True).decode()
