"""A fake ROR API (v2) on 127.0.0.1: organisation search and records.

Shaped like api.ror.org/v2 (``number_of_results``, ``items``, ``meta``;
pages of 20). Misbehaves like the fake ORCID: ``mode`` is ``"down"``,
``"flaky"``, ``"slow"`` or ``"garbage"``; ``calls`` lists the paths asked.
"""

import json
import re
import time
from pathlib import Path

from werkzeug.wrappers import Response

import cap.modules.services as services_module
from fakes.upstream import FakeUpstream

DATA_FILE = Path(services_module.__file__).parent / "data" / "ror_organizations.json"


# The sample organisations (v2 records), shared with the demo upstreams of
# ./scripts/run (scripts/lib/demo_upstreams.py): one copy, in the services
# module. More than a page of "Institute of Physics" for the paging tests.
ORGS = json.loads(DATA_FILE.read_text())["items"]

MALFORMED = [
    {"id": None, "names": [{"types": ["ror_display"], "value": "Institute of Physics Broken"}]},
    {"id": "https://ror.org/0abcdefgh", "names": "Institute of Physics Wrong"},
    ["Institute of Physics", "as a list"],
]


class FakeROR(FakeUpstream):
    """The fake ROR API (base URL ends in ``/v2``)."""

    base_path = "/v2"

    def answer(self, request):
        """The response, misbehaving as ``mode`` says."""
        if self.mode == "down":
            return Response("upstream connect error", status=503)
        if self.mode == "flaky" and self.flaky_failures > 0:
            self.flaky_failures -= 1
            return Response("Service Unavailable", status=503)
        if self.mode == "slow":
            time.sleep(self.delay)
        if self.mode == "garbage":
            return Response("not json {", status=200, content_type="application/json")
        status, body = self.route(request)
        return Response(json.dumps(body), status=status, content_type="application/json")

    def route(self, request):
        """``(status, body)`` of the API proper."""
        path = request.path.rstrip("/")
        path = path[path.find("/v2/"):] if "/v2/" in path else path  # any prefix
        if path == "/v2/organizations":
            return 200, self.search(request.args)
        match = re.match(r"^/v2/organizations/(.+)$", path)
        if match:
            ror_id = match.group(1)
            found = next((o for o in ORGS if o["id"].endswith("/" + ror_id)), None)
            if found is None:
                return 404, {"errors": [f"ROR ID '{ror_id}' does not exist"]}
            return 200, found
        return 404, {"errors": ["Not found"]}

    def search(self, args):
        """Organisations whose names contain every word of ``query``; pages of 20."""
        words = args.get("query", "").lower().split()
        page = int(args.get("page", 1))

        def text(item):
            if not isinstance(item, dict):
                return " ".join(map(str, item)).lower()
            names = item.get("names")
            if not isinstance(names, list):
                return str(names).lower()
            return " ".join(str(n.get("value")) for n in names if isinstance(n, dict)).lower()

        found = [o for o in ORGS + MALFORMED if all(w in text(o) for w in words)]
        items = found[(page - 1) * 20: page * 20]
        return {
            "items": items,
            "meta": {"types": [], "countries": [], "statuses": []},
            "number_of_results": len(found),
            "time_taken": 3,
        }


def start_ror():
    """A started fake; ``.url`` is its base URL."""
    fake = FakeROR()
    fake.url = fake.start()
    return fake
