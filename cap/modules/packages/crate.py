"""The ``ro-crate-metadata.json`` of a package (RO-Crate 1.1, the ``rocrate`` library).

The crate's root is the folder holding the package's own files: the analysis
(the root dataset), its people (``Person``, ORCID iris as ids), their
affiliations (``Organization``, ROR iris when known), every payload file,
software repositories (``SoftwareSourceCode``) and workflows
(``ComputationalWorkflow``), with their relations (``author``,
``affiliation``, ``hasPart``, ``isPartOf``).
"""

import re
import warnings

from rocrate.model.contextentity import ContextEntity
from rocrate.model.person import Person
from rocrate.rocrate import ROCrate

RO_CRATE_VERSION = "1.1"
ORCID = re.compile(r"^(?:https?://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$")
ROR = re.compile(r"^(?:https?://ror\.org/)?(0[a-z0-9]{6}\d{2})$")


def _walk(node, key=None):
    """``(key, value)`` of every object and list in ``node``, depth first."""
    if isinstance(node, dict):
        yield key, node
        for child_key, value in node.items():
            yield from _walk(value, child_key)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item, key)


def people_of(metadata, people_keys):
    """The people of a record's metadata: items of a people list, or anything with an ORCID."""
    seen, people = set(), []
    for key, node in _walk(metadata):
        if not isinstance(node, dict) or not isinstance(node.get("name"), str):
            continue
        if key not in people_keys and not node.get("orcid"):
            continue
        ident = (node.get("name"), node.get("orcid"))
        if ident not in seen:
            seen.add(ident)
            people.append(node)
    return people


def repositories_of(metadata):
    """Objects with a ``url`` in a ``repositories`` list."""
    return [node for key, node in _walk(metadata)
            if key == "repositories" and isinstance(node, dict) and node.get("url")]


def workflows_of(metadata):
    """Objects with a name or type in a ``workflows`` list."""
    return [node for key, node in _walk(metadata)
            if key == "workflows" and isinstance(node, dict)
            and (node.get("name") or node.get("type"))]


def _organization(crate, person, organizations):
    name = person.get("affiliation")
    if not isinstance(name, str) or not name:
        return None
    match = ROR.match(str(person.get("ror") or ""))
    ident = f"https://ror.org/{match.group(1)}" if match else f"#organization-{name}"
    if ident not in organizations:
        organizations[ident] = crate.add(
            ContextEntity(crate, ident, properties={"@type": "Organization", "name": name})
        )
    return organizations[ident]


def _person(crate, person, index, organizations):
    match = ORCID.match(str(person.get("orcid") or ""))
    ident = f"https://orcid.org/{match.group(1)}" if match else f"#person-{index}"
    properties = {"name": person["name"]}
    if person.get("email"):
        properties["email"] = person["email"]
    if person.get("role"):
        properties["roleName"] = person["role"]
    organization = _organization(crate, person, organizations)
    if organization is not None:
        properties["affiliation"] = organization
    return crate.add(Person(crate, ident, properties=properties))


def build_crate(root, package, files, people_keys):
    """Write ``root/ro-crate-metadata.json`` describing ``package``.

    ``package``: the ``cap-package.json`` description (title, recid, schema,
    revisions, the latest metadata); ``files``: ``[(path under root,
    {contentSize, encodingFormat, ...})]`` of every file to describe.
    """
    metadata = package["metadata"]
    crate = ROCrate(version=RO_CRATE_VERSION)
    crate.name = package["title"]
    crate.description = (
        metadata.get("description")
        or (metadata.get("basic_info") or {}).get("abstract")
        or f"Preserved analysis {package['recid']} ({package['schema']['name']})."
    )
    crate.license = package["license"]
    crate.datePublished = package["published"]
    crate.root_dataset["identifier"] = package["recid"]
    crate.root_dataset["version"] = str(package["revisions"][-1])
    crate.root_dataset["conformsTo"] = {"@id": package["schema"]["url"]}
    if metadata.get("keywords"):
        crate.keywords = [str(word) for word in metadata["keywords"]]
    organizations = {}
    people = [
        _person(crate, person, index, organizations)
        for index, person in enumerate(people_of(metadata, people_keys))
    ]
    if people:
        crate.creator = people
    parts = []
    for index, repository in enumerate(repositories_of(metadata)):
        properties = {
            "@type": "SoftwareSourceCode",
            "name": repository.get("description") or repository["url"],
            "codeRepository": repository["url"],
        }
        if repository.get("ref"):
            properties["version"] = str(repository["ref"])
        parts.append(crate.add(ContextEntity(crate, f"#repository-{index}", properties=properties)))
    for index, workflow in enumerate(workflows_of(metadata)):
        language = crate.add(ContextEntity(
            crate, f"#workflow-language-{workflow.get('type') or 'unknown'}",
            properties={"@type": "ComputerLanguage", "name": workflow.get("type") or "unknown"},
        ))
        properties = {
            "@type": ["SoftwareSourceCode", "ComputationalWorkflow"],
            "name": workflow.get("name") or workflow.get("type"),
            "programmingLanguage": language,
        }
        if workflow.get("description"):
            properties["description"] = workflow["description"]
        if people:
            properties["author"] = people
        parts.append(crate.add(ContextEntity(crate, f"#workflow-{index}", properties=properties)))
    if parts:
        crate.root_dataset["mentions"] = parts
    with warnings.catch_warnings():
        # The files are in place already: the crate describes them ("No source" is expected).
        warnings.simplefilter("ignore", UserWarning)
        for path, properties in files:
            crate.add_file(None, dest_path=path, properties=properties)
        crate.write(root)
