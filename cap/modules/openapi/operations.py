"""What the routes alone do not say: query parameters, bodies and success answers.

Keyed by ``"<endpoint> <METHOD>"`` (the Flask endpoint of the API app). An
operation not listed here is still described (path, method, docstring,
errors), with any JSON as its success answer. Enumerated path parameters
name the resource constant that holds the values, so the description cannot
drift from what the resource accepts.
"""


def ref(name):
    """A reference to a shared component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def query(name, schema, description):
    """An optional query parameter."""
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}


class Media(dict):
    """A success answer that is not JSON: its whole content map, ``{media type: {schema}}``."""


JSON_OBJECT = {"application/json": {"schema": ref("Object")}}
JSON_PATCH = {
    "application/json-patch+json": {"schema": {"type": "array", "items": {"type": "object"}}},
    "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
}
OCTETS = {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}
ZIP = Media({"application/zip": {"schema": {"type": "string", "format": "binary"}}})
ANY_FILE = Media({"*/*": {"schema": {"type": "string", "format": "binary"}}})

PAGING = [
    query("page", {"type": "integer", "minimum": 1},
          "Page number, from 1 (default 1). When given, a number: an empty `page=` is a 400."),
    query("size", {"type": "integer", "minimum": 1},
          "Hits per page, from 1 to the server's maximum page size (default: its page size). "
          "When given, a number: an empty `size=` is a 400."),
]
SEARCH = [
    query("q", {"type": "string"}, "Query: DAS-style terms (`dataset:/A/B/C`) or a query string."),
    *PAGING,
    query("sort", {"type": "string"}, "A sort option of the collection (e.g. `mostrecent`)."),
    query("experiment", {"type": "string"}, "Facet: the experiment (CMS, ATLAS, LHCb, ALICE)."),
    query("type", {"type": "string"}, "Facet: the deposit type name."),
]
LOOKUP = [query("query", {"type": "string"}, "What to look up (a prefix)."),
          query("size", {"type": "integer", "minimum": 1}, "How many answers at most.")]

OPERATIONS = {
    "cap_deposits.search GET": {"parameters": SEARCH, "success": {"200": ref("SearchAnswer")}},
    "cap_deposits.create POST": {"body": JSON_OBJECT, "success": {"201": ref("Item")}},
    "cap_deposits.read GET": {"success": {"200": ref("Item")}},
    "cap_deposits.update PUT": {"body": JSON_OBJECT, "success": {"200": ref("Item")}},
    "cap_deposits.patch PATCH": {"body": JSON_PATCH, "success": {"200": ref("Item")}},
    "cap_deposits.delete DELETE": {"success": {"204": None}},
    "cap_deposits.files GET": {"success": {"200": ref("Array")}},
    "cap_deposits.action POST": {
        "enums": {"action": "cap.modules.deposit.resources.resource:ACTION_STATUS"},
        "body": {"application/json": {"schema": {}}},
        "body_required": False,
        "success": {"201": ref("Item"), "202": ref("Item")},
    },
    "cap_records.search GET": {"parameters": SEARCH, "success": {"200": ref("SearchAnswer")}},
    "cap_records.read GET": {
        "parameters": [query("revision", {"type": "integer", "minimum": 0},
                             "A revision of the record (default: the latest).")],
        "success": {"200": ref("Item")},
    },
    "cap_dashboard.collection GET": {"parameters": SEARCH},
    "cap_schemas.create POST": {"body": JSON_OBJECT, "success": {"201": ref("Object")}},
    "cap_schemas.update PUT": {"body": JSON_OBJECT},
    "cap_schemas.patch PATCH": {"body": JSON_PATCH},
    "cap_schemas.delete DELETE": {"success": {"204": None}},
    # A check, not a creation: 200 with the list of results (one per document);
    # the body is one document or a list of them.
    "cap_schemas.validate POST": {
        "body": {"application/json": {"schema": {"anyOf": [
            ref("Object"), {"type": "array", "items": ref("Object")}]}}},
        "success": {"200": {"type": "array"}},
    },
    "cap_schemas.permissions POST": {"body": {"application/json": {"schema": {}}}},
    "cap_schemas.permissions DELETE": {"body": {"application/json": {"schema": {}}}},
    "cap_exports.latex POST": {
        "body": {"application/json": {"schema": {
            "type": "object",
            "properties": {"paths": {"type": "array", "items": {"type": "string"}},
                           "title": {"type": "string"}},
        }}},
        # A rendering, not a creation: 200 with {latex}.
        "success": {"200": ref("Object")},
    },
    "cap_cadi.suggestions GET": {
        "parameters": [LOOKUP[0], query("size", {"type": "integer", "minimum": 1, "maximum": 20},
                                        "How many analyses at most (1 to 20).")],
    },
    "cap_keywords.search GET": {
        "parameters": [*LOOKUP, query("category", {"type": "string"}, "A keyword category.")],
    },
    "cap_directory.users GET": {"parameters": LOOKUP[:1]},
    "cap_directory.egroups GET": {"parameters": LOOKUP[:1]},
    "cap_services.orcid_search GET": {
        "parameters": [query("name", {"type": "string"}, "A person's name.")],
    },
    "cap_services.ror_search GET": {"parameters": LOOKUP[:1]},
    "cap_search.suggest GET": {
        "parameters": [
            query("field", {"type": "string"}, "The field to suggest values of."),
            query("q", {"type": "string"}, "The prefix typed so far."),
            query("type", {"type": "string"}, "Only drafts and records of this type."),
            query("size", {"type": "integer", "minimum": 1}, "How many suggestions at most."),
        ],
    },
    # The package of a record is a zip; a background build is accepted (202), then followed.
    "cap_packages.export_package GET": {"success": {"200": ZIP}},
    "cap_packages.start_build POST": {"success": {"202": ref("Object")}},
    "cap_packages.build_status GET": {"success": {"200": ref("Object")}},
    "cap_packages.build_file GET": {"success": {"200": ZIP}},
    # A check run now, not a creation: 200 with the file's result.
    "cap_files_fixity.verify_file POST": {"success": {"200": ref("Object")}},
    # A download answers in the file's own media type.
    "invenio_files_rest.object_api GET": {"success": {"200": ANY_FILE}},
    "invenio_files_rest.object_api PUT": {"body": OCTETS},
    "invenio_files_rest.object_api DELETE": {"success": {"204": None}},
    # Pushing to Zenodo goes on in the background (202); making a record public
    # changes it, creates nothing (200).
    "cap_zenodo.publish POST": {"success": {"202": ref("Item")}},
    "cap_oaipmh_api.set_public POST": {"success": {"200": ref("Item")}},
    "invenio_files_rest.location_api POST": {"success": {"200": ref("Object")}},
    "invenio_accounts_rest_auth.login POST": {
        # ``{email, password}`` of a local (demo) account; a caller already
        # logged in (a token, a session) gets its user whatever the body says.
        "body": {"application/json": {"schema": {
            "description": "{email, password}; ignored when already logged in.",
        }}},
        "body_required": False,
        "success": {"200": ref("Object")},
    },
    "invenio_accounts_rest_auth.logout POST": {"success": {"200": ref("Object")}},
    "invenio_accounts_rest_auth.sessions_item DELETE": {"success": {"200": ref("Object")}},
    "cap_core.ping GET": {"success": {"200": ref("Object"), "503": ref("Object")}},
}
"""Per-operation additions to what the route says."""

SKIPPED_ENDPOINTS = {
    # Browser redirects of the OAuth dance, not an API for clients.
    "invenio_oauthclient.rest_login",
    "invenio_oauthclient.rest_authorized",
    "invenio_oauthclient.rest_signup",
    "invenio_oauthclient.rest_disconnect",
    "invenio_oauthclient.static",
    # This description itself.
    "cap_openapi.spec",
}
"""Endpoints the description leaves out."""
