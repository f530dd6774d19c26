"""``$schema`` URLs: ``.../schemas/deposits/records/<name>-v<M.m.p>.json`` and
``.../schemas/records/<name>-v<M.m.p>.json``. Pure string work, no imports of
other CAP modules, for hot paths such as permission checks and indexing."""

import re

SCHEMA_URL = re.compile(
    r"(?:^|/)schemas/(?P<kind>deposits/records|records)/"
    r"(?P<name>[^/]+)-v(?P<version>\d+\.\d+\.\d+)\.json$"
)


def parse_schema_url(url):
    """``(kind, name, version)`` of a ``$schema`` URL, kind ``deposit`` or ``record``.

    ``None`` when the URL is not one of ours.
    """
    match = SCHEMA_URL.search(url or "")
    if match is None:
        return None
    kind = "record" if match.group("kind") == "records" else "deposit"
    return kind, match.group("name"), match.group("version")


def index_name(kind, name, version):
    """Unprefixed index of the ``kind`` (deposit|record) documents of ``name`` v``version``.

    The one definition of index naming: :class:`~.models.Schema` and the
    indexer (which knows only the ``$schema`` URL) both use it.
    """
    return f"{kind}s-{name}-v{version}"
