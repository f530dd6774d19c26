"""A fake ORCID public API (v3.0) on 127.0.0.1: expanded search and person records.

Answers are shaped like pub.orcid.org's JSON. ``mode`` makes it misbehave:
``"down"`` (503 to everything), ``"flaky"`` (503 to the first
``flaky_failures`` calls, then normal), ``"slow"`` (waits ``delay`` seconds
before answering), ``"trickle"`` (sends the body a byte at a time, slowly),
``"garbage"`` (200 with a body that is not JSON). ``calls`` lists the paths
asked, so tests can see retries and the cache.
"""

import copy
import json
import re
import time
from pathlib import Path

from werkzeug.wrappers import Response

import cap.modules.services as services_module
from fakes.upstream import FakeUpstream

DATA_FILE = Path(services_module.__file__).parent / "data" / "orcid_people.json"

# The sample people, shared with the demo upstreams of ./scripts/run
# (scripts/lib/demo_upstreams.py): one copy, in the services module.
SAMPLE = json.loads(DATA_FILE.read_text())
PEOPLE = SAMPLE["expanded-result"]


# Items a real answer sometimes holds that cannot be used: skipped by the client.
MALFORMED = [
    {"orcid-id": None, "given-names": "Maria", "family-names": "Nobody"},
    {"orcid-id": "not-an-orcid", "given-names": "Maria", "family-names": "Broken"},
    "Maria Stringonly",
    {"orcid-id": "0000-0001-2345-6789", "given-names": None, "family-names": None},
]


def person_record(item):
    """The ``/<id>/person`` document of a person, as ORCID shapes it."""
    return copy.deepcopy(SAMPLE["person"][item["orcid-id"]])


class FakeORCID(FakeUpstream):
    """The fake ORCID public API (base URL ends in ``/v3.0``).

    Any path before ``/v3.0`` is accepted, so tests can use a base URL of
    their own (and so cache keys of their own).
    """

    base_path = "/v3.0"

    def __init__(self):
        """Normal behaviour, malformed items included, until told otherwise."""
        super().__init__()
        self.with_malformed = True

    def answer(self, request):
        """The response to one request, misbehaving as ``mode`` says."""
        if self.mode == "down":
            return Response("Service Unavailable", status=503)
        if self.mode == "flaky" and self.flaky_failures > 0:
            self.flaky_failures -= 1
            return Response("Bad Gateway", status=502)
        if self.mode == "slow":
            time.sleep(self.delay)
        if self.mode == "garbage":
            return Response("<html>maintenance</html>", status=200, content_type="text/html")
        status, body = self.route(request)
        data = json.dumps(body).encode()
        if self.mode == "trickle":
            def slowly():
                for byte in data:
                    time.sleep(0.2)
                    yield bytes([byte])
            return Response(slowly(), status=status, content_type="application/json")
        return Response(data, status=status, content_type="application/vnd.orcid+json")

    def route(self, request):
        """``(status, body)`` of the API proper."""
        path = request.path
        path = path[path.find("/v3.0"):] if "/v3.0" in path else path  # any prefix
        if path.rstrip("/") == "/v3.0/expanded-search":
            return 200, self.search(request.args)
        match = re.match(r"^/v3\.0/([0-9X-]{19})/person$", path)
        if match:
            item = next((p for p in PEOPLE if p["orcid-id"] == match.group(1)), None)
            if item is None:
                return 404, {
                    "response-code": 404,
                    "developer-message": f"404 Not Found: The resource was not found. "
                    f"Full validation error: ORCID iD {match.group(1)} not found",
                    "user-message": "The resource was not found.",
                    "error-code": 9016,
                }
            return 200, person_record(item)
        return 404, {"response-code": 404, "user-message": "The resource was not found."}

    def search(self, args):
        """``expanded-search``: people whose names start with every word of ``q``."""
        words = [w.lower() for w in re.findall(r"[A-Za-z]+", args.get("q", ""))]
        words = [w for w in words if w not in {"and", "or", "given", "family", "names", "other"}]
        start, rows = int(args.get("start", 0)), int(args.get("rows", 10))
        pool = PEOPLE + (MALFORMED if self.with_malformed else [])

        def names(item):
            if not isinstance(item, dict):
                return str(item).lower().split()
            return [
                str(item.get(k) or "").lower() for k in ("given-names", "family-names")
            ]

        found = [
            item for item in pool
            if all(any(name.startswith(w) for name in names(item)) for w in words)
        ]
        page = found[start:start + rows]
        return {"expanded-result": page or None, "num-found": len(found)}


def start_orcid():
    """A started fake; ``.url`` is its base URL."""
    fake = FakeORCID()
    fake.url = fake.start()
    return fake
