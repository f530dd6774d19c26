"""Search paging parameters: a present ``size`` or ``page`` must be a number in
bounds; empty is refused like any other bad value (a 400 naming it)."""

import pytest

SEARCHES = ["/deposits/", "/records/", "/collection/generic"]


@pytest.mark.parametrize("url", SEARCHES)
@pytest.mark.parametrize("name", ["size", "page"])
@pytest.mark.parametrize("value", ["", "%20"])
def test_an_empty_paging_parameter_is_a_400_naming_it(client, users, schemas, url, name, value):
    answer = client.get(f"{url}?{name}={value}", headers=users.owner.headers)
    assert answer.status_code == 400
    assert answer.mimetype == "application/json"
    [error] = answer.json["errors"]
    assert error["field"] == [name]
    assert error["message"].startswith(f"{name} is empty: give an integer")
    assert f"or leave {name} out" in error["message"]


@pytest.mark.parametrize(("query", "name", "message"), [
    ("size=ten", "size", "size must be an integer."),
    ("size=0", "size", "size must be between 1 and 100."),
    ("size=101", "size", "size must be between 1 and 100."),
    ("page=-1", "page", "page must be at least 1."),
    ("page=1.5", "page", "page must be an integer."),
])
def test_an_invalid_paging_parameter_is_a_400_with_the_reason(client, users, schemas, query,
                                                                name, message):
    for url in SEARCHES:
        answer = client.get(f"{url}?{query}", headers=users.owner.headers)
        assert answer.status_code == 400, url
        assert answer.json["errors"] == [{"field": [name], "message": message}]


def test_absent_paging_parameters_take_the_defaults(client, users, schemas):
    answer = client.get("/deposits/", headers=users.owner.headers)
    assert answer.status_code == 200
    assert answer.json["links"]["self"].endswith("page=1&size=10")
