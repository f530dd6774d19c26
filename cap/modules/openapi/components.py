"""Schemas every operation shares: the error answer, a search answer, a draft or record."""

FIELD_ERROR = {
    "type": "object",
    "required": ["field", "message"],
    "properties": {
        "field": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Path parts of the field, all strings (array indexes too).",
        },
        "message": {"type": "string"},
    },
}

ERROR = {
    "type": "object",
    "required": ["status", "message"],
    "properties": {
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "message": {"type": "string"},
        "errors": {"type": "array", "items": {"$ref": "#/components/schemas/FieldError"}},
    },
    "description": "Every error answer of CAP: cap.modules.core.errors.error_body.",
}

SEARCH_ANSWER = {
    "type": "object",
    "required": ["hits"],
    "properties": {
        "hits": {
            "type": "object",
            "required": ["total", "hits"],
            "properties": {
                "total": {"type": "integer", "minimum": 0},
                "hits": {"type": "array", "items": {"type": "object"}},
            },
        },
        "aggregations": {"type": "object"},
        "links": {"type": "object"},
    },
}

ITEM = {
    "type": "object",
    "required": ["id", "type", "revision", "status", "metadata", "links"],
    "properties": {
        "id": {"type": ["string", "null"]},
        "type": {"enum": ["deposit", "record"]},
        "revision": {"type": "integer", "minimum": 0},
        "status": {"type": "string"},
        "metadata": {"type": "object"},
        "links": {"type": "object"},
        "files": {"type": "array", "items": {"type": "object"}},
    },
    "description": "A draft or a published record (application/json).",
}

SCHEMAS = {
    "FieldError": FIELD_ERROR,
    "Error": ERROR,
    "SearchAnswer": SEARCH_ANSWER,
    "Item": ITEM,
    "Object": {"type": "object"},
    "Array": {"type": "array"},
}

SECURITY_SCHEMES = {
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "description": "A personal access token (Settings > Applications, or `cap tokens create`).",
    },
    "sessionCookie": {
        "type": "apiKey",
        "in": "cookie",
        "name": "session",
        "description": "The browser session after CERN SSO; writes also need X-CSRFToken.",
    },
}
