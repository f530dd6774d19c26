"""A fake ROR API (v2) on 127.0.0.1: organisation search and records.

Shaped like api.ror.org/v2 (``number_of_results``, ``items``, ``meta``;
pages of 20). Misbehaves like the fake ORCID: ``mode`` is ``"down"``,
``"flaky"``, ``"slow"`` or ``"garbage"``; ``calls`` lists the paths asked.
"""

import json
import re
import threading
import time

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


def org(ror_id, name, acronyms=(), aliases=(), country=("CH", "Switzerland"), city="Geneva",
        types=("facility",), website=None):
    """One organisation in the v2 shape."""
    names = [{"lang": "en", "types": ["ror_display", "label"], "value": name}]
    names += [{"lang": None, "types": ["acronym"], "value": a} for a in acronyms]
    names += [{"lang": None, "types": ["alias"], "value": a} for a in aliases]
    return {
        "admin": {"created": {"date": "2018-11-14", "schema_version": "1.0"},
                  "last_modified": {"date": "2024-05-13", "schema_version": "2.0"}},
        "domains": [],
        "established": 1954,
        "external_ids": [{"all": ["grid.9132.9"], "preferred": "grid.9132.9", "type": "grid"}],
        "id": f"https://ror.org/{ror_id}",
        "links": [{"type": "website", "value": website}] if website else [],
        "locations": [{
            "geonames_details": {
                "continent_code": "EU", "continent_name": "Europe",
                "country_code": country[0], "country_name": country[1],
                "country_subdivision_code": None, "country_subdivision_name": None,
                "lat": 46.2, "lng": 6.1, "name": city,
            },
            "geonames_id": 2660646,
        }],
        "names": names,
        "relationships": [],
        "status": "active",
        "types": list(types),
    }


ORGS = [
    org("01ggx4157", "European Organization for Nuclear Research", ["CERN"],
        ["Conseil Européen pour la Recherche Nucléaire"], website="https://home.cern"),
    org("04t3en479", "Karlsruhe Institute of Technology", ["KIT"], country=("DE", "Germany"),
        city="Karlsruhe", types=("education", "funder")),
    org("05symbg58", "INFN Sezione di Pisa", country=("IT", "Italy"), city="Pisa"),
    org("05gq02987", "Brown University", country=("US", "United States"), city="Providence",
        types=("education",)),
] + [
    org(f"0{n:06d}{n % 90 + 10:02d}", f"Institute of Physics {n}", country=("FR", "France"),
        city="Paris", types=("education",))
    for n in range(100, 125)
]

MALFORMED = [
    {"id": None, "names": [{"types": ["ror_display"], "value": "Institute of Physics Broken"}]},
    {"id": "https://ror.org/0abcdefgh", "names": "Institute of Physics Wrong"},
    ["Institute of Physics", "as a list"],
]


class FakeROR:
    """The fake API's state."""

    def __init__(self):
        """Normal behaviour until told otherwise."""
        self.mode = "normal"
        self.delay = 3.0
        self.flaky_failures = 1
        self.calls = []
        self.server = None

    def reset(self):
        """Back to normal, calls forgotten."""
        self.mode, self.calls, self.flaky_failures = "normal", [], 1

    def start(self):
        """Serve on a free loopback port; returns the base URL (``.../v2``)."""
        self.server = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_port}/v2"

    def stop(self):
        """Stop serving."""
        self.server.shutdown()

    def wsgi(self, environ, start_response):
        """Route one request."""
        request = Request(environ)
        self.calls.append(request.full_path)
        return self.answer(request)(environ, start_response)

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
