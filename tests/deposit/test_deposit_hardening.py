"""Bad or hostile input to /deposits answers a 4xx JSON error, never a 500."""

import csv
import io
import json

import pytest


@pytest.fixture
def api(env, client):
    """The test client, with the users' headers at hand."""
    return client


def h(user, **extra):
    headers = dict(user.headers)
    headers.update(extra)
    return headers


def create(api, user, body):
    return api.post("/deposits/", data=json.dumps(body), headers=h(user))


def test_csv_export_defuses_formulas(api, env, refresh):
    """OWASP CSV injection: a cell a spreadsheet would run as a formula is
    prefixed with a quote, so it is shown as text."""
    owner = env.users.owner
    titles = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)",
              "\tTAB", "\rCR", "plain - title"]
    for title in titles:
        assert create(api, owner, {"$ana_type": "generic", "title": title}).status_code == 201
    refresh()
    answer = api.get("/deposits/?size=20", headers=h(owner, Accept="text/csv"))
    assert answer.status_code == 200
    rows = list(csv.DictReader(io.StringIO(answer.data.decode(), newline="")))
    exported = sorted(row["title"] for row in rows)
    assert exported == sorted("'" + t if t[0] in "=+-@\t\r" else t for t in titles)
