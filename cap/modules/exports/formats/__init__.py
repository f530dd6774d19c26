"""The export formats of a record, each a pure function of its citation.

Entry points of the group ``cap.records.exports`` name the
:class:`ExportFormat` objects below; the records resource answers them on
``GET /records/<recid>`` by ``Accept`` (their ``mimetype``) or by
``?format=<name>``.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app

from ..citation import citation_of
from .bibtex import bibtex
from .csl import csl_json
from .datacite import datacite_json, datacite_xml
from .dublincore import dublin_core_xml
from .highwire import citation_meta
from .marcxml import marcxml
from .schemaorg import schemaorg_json_ld


def record_citation(item):
    """The :class:`~..citation.Citation` of a record item, with this instance's
    record page URL and publisher name."""
    config = current_app.config
    url = config["SITE_UI_URL"] + config["CAP_RECORDS_UI_PATH"].format(
        recid=item.data["control_number"]
    )
    return citation_of(item, url=url, publisher=config["CAP_EXPORTS_PUBLISHER"])


@dataclass(frozen=True)
class ExportFormat:
    """A format: its ``?format=`` name, media type and file extension, and the
    function that writes a citation in it (text, or JSON data)."""

    name: str
    mimetype: str
    extension: str
    write: Callable

    def serialize(self, item):
        """The record item in this format, as text."""
        body = self.write(record_citation(item))
        if isinstance(body, str):
            return body
        return json.dumps(body, ensure_ascii=False, indent=2)


BIBTEX = ExportFormat("bibtex", "application/x-bibtex", "bib", bibtex)
DATACITE_JSON = ExportFormat("datacite-json", "application/vnd.datacite.datacite+json",
                             "json", datacite_json)
DATACITE_XML = ExportFormat("datacite-xml", "application/vnd.datacite.datacite+xml",
                            "xml", datacite_xml)
SCHEMAORG = ExportFormat("json-ld", "application/ld+json", "jsonld", schemaorg_json_ld)
DUBLIN_CORE = ExportFormat("dublincore", "application/x-dc+xml", "xml", dublin_core_xml)
CSL = ExportFormat("csl", "application/vnd.citationstyles.csl+json", "json", csl_json)
MARCXML = ExportFormat("marcxml", "application/marcxml+xml", "xml", marcxml)


def page_citation(item):
    """What a record's page embeds for machines: ``{citation, meta, json_ld}``
    (the ``citation_*`` tags and the schema.org JSON-LD)."""
    citation = record_citation(item)
    return {"citation": citation, "meta": citation_meta(citation),
            "json_ld": schemaorg_json_ld(citation)}
