"""DataCite Metadata Schema 4.5: JSON (the ``datacite`` package's schema
of it) and XML (written from that JSON by the same package)."""

from datacite import schema45
from lxml import etree

from .identifiers import (
    ORCID_URL,
    ROR_URL,
    collaboration,
    related_type,
    related_value,
    relation_type,
)

RESOURCE_TYPE_GENERAL = "Dataset"
"""An analysis record preserves data, code and their description: a Dataset."""


def _creator(person):
    creator = {"name": f"{person.family}, {person.given}" if person.given else person.name,
               "nameType": "Personal", "familyName": person.family}
    if person.given:
        creator["givenName"] = person.given
    if person.orcid:
        creator["nameIdentifiers"] = [{"nameIdentifier": person.orcid,
                                       "nameIdentifierScheme": "ORCID",
                                       "schemeUri": ORCID_URL.format("")}]
    if person.affiliation:
        affiliation = {"name": person.affiliation}
        if person.ror:
            affiliation.update(affiliationIdentifier=ROR_URL.format(person.ror),
                               affiliationIdentifierScheme="ROR",
                               schemeUri=ROR_URL.format(""))
        creator["affiliation"] = [affiliation]
    return creator


def datacite_json(citation):
    """The DataCite 4.5 JSON of a :class:`~..citation.Citation`."""
    creators = [_creator(person) for person in citation.creators] or [
        {"name": collaboration(citation), "nameType": "Organizational"}
    ]
    body = {
        "schemaVersion": "http://datacite.org/schema/kernel-4",
        "types": {"resourceTypeGeneral": RESOURCE_TYPE_GENERAL,
                  "resourceType": citation.resource_type},
        "creators": creators,
        "titles": [{"title": citation.title}],
        "publisher": {"name": citation.publisher},
        "publicationYear": citation.year,
        "dates": [{"date": citation.published, "dateType": "Issued"}],
        "url": citation.url,
        "alternateIdentifiers": [
            {"alternateIdentifier": citation.recid, "alternateIdentifierType": "CAP"},
            *({"alternateIdentifier": value, "alternateIdentifierType": scheme}
              for scheme, value in citation.identifiers),
        ],
        "version": citation.schema_version,
    }
    if citation.doi:
        body["doi"] = citation.doi
    if citation.description:
        body["descriptions"] = [{"description": citation.description,
                                 "descriptionType": "Abstract"}]
    if citation.keywords:
        body["subjects"] = [{"subject": word} for word in citation.keywords]
    if citation.related:
        body["relatedIdentifiers"] = [
            {"relatedIdentifier": related_value(r), "relatedIdentifierType": related_type(r),
             "relationType": relation_type(r)}
            for r in citation.related
        ]
    return body


def datacite_xml(citation):
    """The DataCite 4.5 XML of a :class:`~..citation.Citation`.

    The kernel's ``identifier`` is mandatory, and the ``datacite`` package
    writes it only from a DOI: a record without one is identified by its
    landing page (``identifierType="URL"``, which the 4.x XSD accepts), so
    the document stays valid against DataCite's XSD.
    """
    text = schema45.tostring(datacite_json(citation))
    if citation.doi:
        return text
    root = etree.fromstring(text.encode())
    identifier = etree.Element(f"{{{root.nsmap[None]}}}identifier", identifierType="URL")
    identifier.text = citation.url
    root.insert(0, identifier)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8",
                          pretty_print=True).decode()


def datacite_element(citation):
    """The DataCite 4.5 ``resource`` element of a :class:`~..citation.Citation`."""
    return schema45.dump_etree(datacite_json(citation))
