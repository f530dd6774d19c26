"""Keywords: harvest (CSV -> index) and search, identity first."""

from dataclasses import dataclass, field
from urllib.parse import quote

from flask import current_app

from ..cms.cadi.permissions import require_cms_access
from ..core.args import int_arg
from ..core.errors import (
    InvalidRequestError,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
    field_error,
)
from ..services.status import record_status
from .client import fetch_csv, parse_csv
from .index import replace_keywords, search_keywords


@dataclass
class KeywordsLoad:
    """What a harvest did: keywords indexed, rows skipped and why."""

    indexed: int = 0
    problems: list = field(default_factory=list)
    index: str = ""


def load_keywords(text):
    """Parse a CSV export and replace the index with its keywords."""
    keywords, problems = parse_csv(text)
    if not keywords:
        raise InvalidRequestError("The keywords spreadsheet has no usable row: index kept.")
    name = replace_keywords(keywords)
    return KeywordsLoad(indexed=len(keywords), problems=problems, index=name)


def harvest_keywords(url=None):
    """Download the configured spreadsheet (or ``url``) and load it."""
    config = current_app.config
    try:
        text = fetch_csv(
            url or config["CAP_KEYWORDS_CSV_URL"],
            timeout=config["CAP_KEYWORDS_TIMEOUT"],
            retries=config["CAP_KEYWORDS_RETRIES"],
            backoff=config["CAP_KEYWORDS_BACKOFF"],
            max_bytes=config["CAP_KEYWORDS_MAX_BYTES"],
        )
    except (UpstreamUnavailableError, UpstreamTimeoutError) as error:
        record_status("keywords", False, error.message)
        raise
    load = load_keywords(text)
    record_status("keywords", True, f"{load.indexed} keywords")
    return load


def analyses_link(keyword):
    """Search URL of the drafts that carry ``keyword``: the ``keyword=`` search term,
    which knows where each schema version keeps keywords (``CAP_SEARCH_QUERY_FIELDS``)."""
    escaped = keyword.replace("\\", "\\\\").replace('"', '\\"')
    query = quote(f'keyword="{escaped}"')
    return f"{current_app.config['SITE_API_URL']}/deposits/?q={query}"


def search(identity, query=None, size=None, category=None):
    """Keywords matching ``query`` for a CMS member: ``{hits, total}``."""
    require_cms_access(identity)
    if query is not None and len(query) > 200:
        message = "The query is longer than 200 characters."
        raise InvalidRequestError(message, [field_error("query", message)])
    config = current_app.config
    size = int_arg("size", size, config["CAP_KEYWORDS_DEFAULT_SIZE"], 1,
                   config["CAP_KEYWORDS_MAX_SIZE"])
    total, hits = search_keywords(query, size, category=category or None)
    for hit in hits:
        hit["links"] = {"analyses": analyses_link(hit["keyword"])}
    return {"hits": hits, "total": total}
