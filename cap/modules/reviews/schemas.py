"""What a schema's ``config`` says about reviews.

``config.reviewable`` (legacy CAP's key) turns reviews on for a deposit type;
``config.review.required_to_publish`` makes publish wait for an approved
review of the current version of the draft.
"""


def is_reviewable(schema):
    """Whether drafts and records of ``schema`` (a Schema row) take reviews."""
    return bool((getattr(schema, "config", None) or {}).get("reviewable"))


def approval_required(schema):
    """Whether publishing a draft of ``schema`` needs a current approved review."""
    config = getattr(schema, "config", None) or {}
    return is_reviewable(schema) and bool((config.get("review") or {}).get("required_to_publish"))


def is_reviewable_url(url):
    """:func:`is_reviewable` of the schema a ``$schema`` URL names (cached per
    state of the schema table; ``False`` for an unknown schema)."""
    from ..schemas.api import cached, get_schema
    from ..schemas.errors import SchemaNotFoundError
    from ..schemas.urls import parse_schema_url

    parsed = parse_schema_url(url) if isinstance(url, str) else None
    if parsed is None:
        return False
    _, name, version = parsed

    def build():
        try:
            return is_reviewable(get_schema(name, version))
        except SchemaNotFoundError:
            return False

    return cached(("reviewable", name, version), build)
