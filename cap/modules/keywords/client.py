"""Download the keywords spreadsheet (CSV export) and parse its rows.

Header names are matched loosely (``Keyword``/``Name``/``Term``,
``Category``/``Group``, ``Description``/``Definition``); rows without a
keyword are skipped and reported, duplicates (case-insensitive) kept once.
"""

import csv
import io
import time

import requests

from ..core.errors import InvalidRequestError, UpstreamTimeoutError, UpstreamUnavailableError

RETRY_STATUSES = {429, 500, 502, 503, 504}
COLUMNS = {
    "keyword": ("keyword", "keywords", "name", "term"),
    "category": ("category", "group", "type"),
    "description": ("description", "definition", "comment"),
}


def fetch_csv(url, timeout=10, retries=2, backoff=0.5, max_bytes=5 * 1024 * 1024):
    """The CSV text at ``url``; upstream errors after retries with backoff."""
    attempt = 0
    while True:
        try:
            response = requests.get(url, timeout=timeout, stream=True)
            if response.status_code in RETRY_STATUSES:
                error = UpstreamUnavailableError(
                    f"The keywords spreadsheet answered {response.status_code}."
                )
            elif response.status_code != 200:
                raise UpstreamUnavailableError(
                    f"The keywords spreadsheet answered {response.status_code}."
                )
            else:
                body = b""
                for chunk in response.iter_content(64 * 1024):
                    body += chunk
                    if len(body) > max_bytes:
                        raise UpstreamUnavailableError(
                            f"The keywords spreadsheet is larger than {max_bytes} bytes."
                        )
                return body.decode(response.encoding or "utf-8", errors="replace")
        except requests.Timeout:
            error = UpstreamTimeoutError("The keywords spreadsheet did not answer in time.")
        except requests.RequestException as exc:
            error = UpstreamUnavailableError(
                f"The keywords spreadsheet is unreachable: {type(exc).__name__}."
            )
        if attempt >= retries:
            raise error
        time.sleep(backoff * (2**attempt))
        attempt += 1


def _column(header, names):
    lowered = [name.strip().lower() for name in header]
    return next((lowered.index(name) for name in names if name in lowered), None)


def parse_csv(text):
    """``(keywords, problems)``: ``[{keyword, category, description}]`` and skipped rows."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows:
        raise InvalidRequestError("The keywords spreadsheet is empty.")
    header = rows[0]
    index = {key: _column(header, names) for key, names in COLUMNS.items()}
    if index["keyword"] is None:
        raise InvalidRequestError(
            "The keywords spreadsheet has no Keyword column "
            f"(columns: {', '.join(h.strip() for h in header)})."
        )
    keywords, problems, seen = [], [], set()
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(key, row=row):
            position = index[key]
            if position is None or position >= len(row):
                return ""
            return " ".join(row[position].split())

        keyword = cell("keyword")
        if not keyword:
            problems.append(f"line {line}: no keyword")
            continue
        if len(keyword) > 200:
            problems.append(f"line {line}: keyword longer than 200 characters")
            continue
        if keyword.lower() in seen:
            problems.append(f"line {line}: duplicate keyword {keyword!r}")
            continue
        seen.add(keyword.lower())
        entry = {"keyword": keyword}
        for key in ("category", "description"):
            if cell(key):
                entry[key] = cell(key)
        keywords.append(entry)
    return keywords, problems
